package io.gatehouse.contract;

import io.gatehouse.testing.Await;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.OtlpReceiver;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Traces, the same on every runtime, exported over OTLP/HTTP to a receiver on loopback
 * ({@link OtlpReceiver}): the client's W3C {@code traceparent} and {@code tracestate} continued in a
 * server span named by the route, a client span per call to a target whose context the upstream
 * receives, a new trace when the client sends none, an unsampled request passed on unrecorded, a
 * failing target's calls as error spans, and the gateway's own endpoints named by their template.
 */
public abstract class TracingContractTest extends ContractTestBase {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])");
    private static final String SERVICE = "gatehouse-contract";

    private final OtlpReceiver receiver = OtlpReceiver.start();
    private final EchoUpstream echo = EchoUpstream.start("traced");

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> p = super.properties();
        p.put("otel.traces.exporter", "otlp");
        p.put("otel.exporter.otlp.endpoint", receiver.endpoint());
        p.put("otel.bsp.schedule.delay", "50");
        p.put("otel.service.name", SERVICE);
        p.put("gateway.upstreams.echo-svc.targets", List.of(echo.url()));
        p.put("gateway.upstreams.dead.targets", List.of("http://127.0.0.1:" + TestUpstream.closedPort()));
        p.put("gateway.upstreams.dead.circuit-breaker.enabled", false);
        p.put("gateway.upstreams.dead.outlier-detection.consecutive-failures", 0);
        new ContractRoutes()
            .route("traced", "/traced/**", "echo-svc", Map.of())
            .route("dead-traced", "/dead/**", "dead", Map.of("retries.attempts", 1, "retries.backoff", "10ms"))
            .into(p);
        return p;
    }

    @AfterAll
    void stopServers() {
        receiver.close();
        echo.close();
    }

    private static String traceId() {
        return java.util.UUID.randomUUID().toString().replace("-", "");
    }

    private List<OtlpReceiver.Span> await(String traceId, Predicate<List<OtlpReceiver.Span>> complete) {
        Await.until("the spans of trace " + traceId, Duration.ofSeconds(15), () -> complete.test(receiver.trace(traceId)));
        return receiver.trace(traceId);
    }

    private static OtlpReceiver.Span only(List<OtlpReceiver.Span> spans, int kind) {
        List<OtlpReceiver.Span> ofKind = spans.stream().filter(s -> s.kind() == kind).toList();
        assertEquals(1, ofKind.size(), spans.toString());
        return ofKind.getFirst();
    }

    private static String header(JsonNode echo, String name) {
        JsonNode values = echo.get("headers").get(name);
        return values == null || values.size() == 0 ? null : values.get(0).getStringValue();
    }

    @Test
    void clientTrace_thenContinuedInServerAndClientSpansAndPassedUpstream() {
        String traceId = traceId();
        String parent = "00f067aa0ba902b7";
        ContractResponse response = send(ContractRequest.get("/traced/a?x=1")
            .header("traceparent", "00-" + traceId + "-" + parent + "-01")
            .header("tracestate", "vendor=abc"));
        assertEquals(200, response.status(), response.text());
        Matcher sent = TRACEPARENT.matcher(header(response.json(), "traceparent"));
        assertTrue(sent.matches(), header(response.json(), "traceparent"));
        assertEquals(traceId, sent.group(1));
        assertNotEquals(parent, sent.group(2));
        assertEquals("01", sent.group(3));
        assertEquals("vendor=abc", header(response.json(), "tracestate"));

        List<OtlpReceiver.Span> spans = await(traceId, s -> s.size() >= 2);
        OtlpReceiver.Span server = only(spans, OtlpReceiver.SERVER);
        OtlpReceiver.Span client = only(spans, OtlpReceiver.CLIENT);
        assertEquals(SERVICE, server.service());
        assertEquals("traced", server.name());
        assertEquals(parent, server.parentSpanId());
        assertEquals("vendor=abc", server.traceState());
        assertEquals("200", server.attributes().get("http.response.status_code"));
        assertEquals("/traced/**", server.attributes().get("http.route"));
        assertEquals("/traced/a", server.attributes().get("url.path"));
        assertEquals("GET", server.attributes().get("http.request.method"));
        assertEquals(response.header("X-Request-ID").orElseThrow(), server.attributes().get("gatehouse.request_id"));
        assertEquals(server.spanId(), client.parentSpanId());
        assertEquals(sent.group(2), client.spanId(), "the upstream's parent is the client span");
        assertEquals("GET echo-svc", client.name());
        assertEquals(echo.url(), client.attributes().get("url.full"));
        assertEquals("200", client.attributes().get("http.response.status_code"));
    }

    @Test
    void noTraceparent_thenANewTraceStartedAndSent() {
        ContractResponse response = send(ContractRequest.get("/traced/new"));
        assertEquals(200, response.status());
        Matcher sent = TRACEPARENT.matcher(header(response.json(), "traceparent"));
        assertTrue(sent.matches(), header(response.json(), "traceparent"));
        List<OtlpReceiver.Span> spans = await(sent.group(1), s -> s.size() >= 2);
        OtlpReceiver.Span server = only(spans, OtlpReceiver.SERVER);
        assertEquals("", server.parentSpanId());
        assertEquals(sent.group(2), only(spans, OtlpReceiver.CLIENT).spanId());
    }

    @Test
    void unsampledByTheClient_thenPassedOnAndNotRecorded() {
        String unsampled = traceId();
        ContractResponse response = send(ContractRequest.get("/traced/quiet").header("traceparent", "00-" + unsampled + "-00f067aa0ba902b7-00"));
        assertEquals(200, response.status());
        Matcher sent = TRACEPARENT.matcher(header(response.json(), "traceparent"));
        assertTrue(sent.matches());
        assertEquals(unsampled, sent.group(1));
        assertEquals("00", sent.group(3));
        // A sampled request after it: once its spans are in, the exporter has sent everything before.
        String sampled = traceId();
        send(ContractRequest.get("/traced/loud").header("traceparent", "00-" + sampled + "-00f067aa0ba902b7-01"));
        await(sampled, s -> s.size() >= 2);
        assertEquals(List.of(), receiver.trace(unsampled));
    }

    @Test
    void deadTarget_thenEachCallAnErrorSpanAndTheServerSpanA502() {
        String traceId = traceId();
        assertEquals(502, send(ContractRequest.get("/dead/x").header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")).status());
        List<OtlpReceiver.Span> spans = await(traceId, s -> s.size() >= 3);
        OtlpReceiver.Span server = only(spans, OtlpReceiver.SERVER);
        assertEquals("dead-traced", server.name());
        assertEquals("502", server.attributes().get("http.response.status_code"));
        assertEquals(2, server.statusCode());
        List<OtlpReceiver.Span> calls = spans.stream().filter(s -> s.kind() == OtlpReceiver.CLIENT).toList();
        assertEquals(2, calls.size(), spans.toString());
        for (OtlpReceiver.Span call : calls) {
            assertEquals(server.spanId(), call.parentSpanId());
            assertEquals(2, call.statusCode());
            assertEquals("connect", call.attributes().get("error.type"));
        }
    }

    @Test
    void ownEndpoint_thenAServerSpanNamedByItsTemplate() {
        String traceId = traceId();
        assertEquals(200, send(ContractRequest.get("/ping").header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")).status());
        OtlpReceiver.Span server = only(await(traceId, s -> !s.isEmpty()), OtlpReceiver.SERVER);
        assertEquals("/ping", server.name());
        assertEquals("200", server.attributes().get("http.response.status_code"));
    }
}
