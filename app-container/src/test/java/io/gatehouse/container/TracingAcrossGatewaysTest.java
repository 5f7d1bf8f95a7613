package io.gatehouse.container;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.testing.Await;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.OtlpReceiver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One trace through two gateway instances and an upstream, every span exported to one OTLP/HTTP
 * receiver on loopback: gateway A (the streaming engine) routes to gateway B (the buffered engine,
 * {@code gateway.proxy.streaming.enabled: false}), which routes to an {@link EchoUpstream}. The
 * receiver sees A's server and client spans and B's server and client spans, in one trace, each the
 * parent of the next, and the upstream receives B's client span as its parent.
 */
class TracingAcrossGatewaysTest {

    private static Map<String, Object> tracing(OtlpReceiver receiver, String service) {
        Map<String, Object> p = new HashMap<>();
        p.put("otel.traces.exporter", "otlp");
        p.put("otel.exporter.otlp.endpoint", receiver.endpoint());
        p.put("otel.bsp.schedule.delay", "50");
        p.put("otel.service.name", service);
        return p;
    }

    private static void route(Map<String, Object> p, String id, String target) {
        p.put("gateway.upstreams.next.targets", List.of(target));
        p.put("gateway.routes[0].id", id);
        p.put("gateway.routes[0].match.path", "/chain/**");
        p.put("gateway.routes[0].upstream", "next");
    }

    @Test
    void requestThroughTwoGateways_thenOneTraceLinkedSpanBySpan() {
        try (OtlpReceiver receiver = OtlpReceiver.start();
             EchoUpstream echo = EchoUpstream.start("end")) {
            Map<String, Object> b = tracing(receiver, "gatehouse-b");
            b.put("gateway.proxy.streaming.enabled", false);
            route(b, "chain-b", echo.url());
            NettyRuntime runtimeB = new NettyRuntime();
            try (GatewayTransport gatewayB = runtimeB.start(b)) {
                Map<String, Object> a = tracing(receiver, "gatehouse-a");
                route(a, "chain-a", runtimeB.uri().toString());
                try (GatewayTransport gatewayA = new NettyRuntime().start(a)) {
                    String traceId = "0af7651916cd43dd8448eb211c80319c";
                    ContractResponse response = gatewayA.send(ContractRequest.get("/chain/x")
                        .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01"));
                    assertEquals(200, response.status(), response.text());

                    Await.until("four spans", Duration.ofSeconds(15), () -> receiver.trace(traceId).size() >= 4);
                    List<OtlpReceiver.Span> spans = receiver.trace(traceId);
                    assertEquals(4, spans.size(), spans.toString());
                    OtlpReceiver.Span serverA = OtlpReceiver.only(spans, "gatehouse-a", OtlpReceiver.SERVER);
                    OtlpReceiver.Span clientA = OtlpReceiver.only(spans, "gatehouse-a", OtlpReceiver.CLIENT);
                    OtlpReceiver.Span serverB = OtlpReceiver.only(spans, "gatehouse-b", OtlpReceiver.SERVER);
                    OtlpReceiver.Span clientB = OtlpReceiver.only(spans, "gatehouse-b", OtlpReceiver.CLIENT);
                    assertEquals("chain-a", serverA.name());
                    assertEquals("b7ad6b7169203331", serverA.parentSpanId());
                    assertEquals(serverA.spanId(), clientA.parentSpanId());
                    assertEquals("chain-b", serverB.name());
                    assertEquals(clientA.spanId(), serverB.parentSpanId());
                    assertEquals(serverB.spanId(), clientB.parentSpanId());
                    String reached = response.json().get("headers").get("traceparent").get(0).getStringValue();
                    assertEquals("00-" + traceId + "-" + clientB.spanId() + "-01", reached);
                }
            }
        }
    }
}
