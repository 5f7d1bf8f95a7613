package io.gatehouse.container;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.testing.Await;
import io.gatehouse.testing.OtlpReceiver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One trace from a caller's message to its delivery on another instance, every span exported to
 * one OTLP/HTTP receiver on loopback: the message is posted to gateway A with the caller's
 * {@code traceparent}; the outbox relay publishes it to {@code conversation.inbound} inside a
 * producer span; gateway B, whose stream of the session is open, consumes the record inside a
 * consumer span and reads the event back from PostgreSQL inside JDBC client spans. A history read
 * on A then records its JDBC calls as children of its server span. Real Kafka, PostgreSQL and
 * Redis.
 */
class SessionTracingTest {

    private static final String ALICE = SessionCluster.jwt("alice", "acme");

    @Test
    void messagePostedToA_thenOneTraceThroughItsPublishToItsDeliveryOnB() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start();
             SessionCluster cluster = new SessionCluster("tracing", Map.of("otel.traces.exporter", "otlp",
                 "otel.exporter.otlp.endpoint", receiver.endpoint(), "otel.bsp.schedule.delay", "50"),
                 Map.of("otel.service.name", "gatehouse-a"), Map.of("otel.service.name", "gatehouse-b"))) {
            String session = cluster.openSession(ALICE);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<Stream<String>>> stream = http.sendAsync(
                HttpRequest.newBuilder(URI.create(cluster.runtimeB.uri() + "/v1/session/" + session + "/events"))
                    .header("Accept", "text/event-stream").header("Authorization", "Bearer " + ALICE).build(),
                HttpResponse.BodyHandlers.ofLines());
            Await.until("B's stream is open", Duration.ofSeconds(20),
                () -> SessionCluster.gauge(cluster.gatewayB, "gatehouse_stream_subscribers") == 1);

            String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
            ContractResponse accepted = cluster.gatewayA.send(ContractRequest.of("POST", "/v1/session/message")
                .header("Authorization", "Bearer " + ALICE).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .body("application/json", "{\"session_id\":\"" + session + "\",\"message\":\"traced\"}"));
            assertEquals(202, accepted.status(), accepted.text());

            Await.until("A's server span, the producer span, B's consumer span and its JDBC span", Duration.ofSeconds(20), () -> {
                List<OtlpReceiver.Span> sofar = receiver.trace(traceId);
                return sofar.stream().anyMatch(s -> s.service().equals("gatehouse-a") && s.kind() == OtlpReceiver.SERVER)
                    && sofar.stream().anyMatch(s -> s.kind() == OtlpReceiver.PRODUCER)
                    && sofar.stream().anyMatch(s -> s.service().equals("gatehouse-b") && s.kind() == OtlpReceiver.CONSUMER)
                    && sofar.stream().anyMatch(s -> s.service().equals("gatehouse-b") && s.kind() == OtlpReceiver.CLIENT);
            });
            List<OtlpReceiver.Span> spans = receiver.trace(traceId);
            OtlpReceiver.Span server = OtlpReceiver.only(spans, "gatehouse-a", OtlpReceiver.SERVER);
            assertEquals("00f067aa0ba902b7", server.parentSpanId(), "the caller's trace goes on");
            List<OtlpReceiver.Span> producers = spans.stream().filter(s -> s.kind() == OtlpReceiver.PRODUCER).toList();
            assertEquals(1, producers.size(), spans.toString());
            OtlpReceiver.Span producer = producers.getFirst();
            assertEquals(cluster.inbound + " publish", producer.name());
            assertEquals(server.spanId(), producer.parentSpanId(), "the publish, on whichever instance's relay, is the request's child");
            OtlpReceiver.Span consumer = OtlpReceiver.only(spans, "gatehouse-b", OtlpReceiver.CONSUMER);
            assertEquals(cluster.inbound + " deliver", consumer.name());
            assertEquals(producer.spanId(), consumer.parentSpanId(), "B's delivery continues the record's trace");
            assertEquals("kafka", consumer.attributes().get("messaging.system"));
            assertEquals(cluster.inbound, consumer.attributes().get("messaging.destination.name"));
            assertEquals("gatehouse-inbound-fan-out", consumer.attributes().get("messaging.consumer.group.name"));
            assertFalse(spans.stream().anyMatch(s -> s.service().equals("gatehouse-a") && s.kind() == OtlpReceiver.CONSUMER),
                "A has no stream of the session: its consumer acts on nothing");
            OtlpReceiver.Span lookup = OtlpReceiver.only(spans, "gatehouse-b", OtlpReceiver.CLIENT);
            assertEquals(consumer.spanId(), lookup.parentSpanId(), "the read of the event is the delivery's child");
            String statement = lookup.attributes().getOrDefault("db.query.text", lookup.attributes().get("db.statement"));
            assertTrue(statement != null && statement.contains("session_events") && !statement.contains(session),
                "a sanitised statement, without the session's id: " + lookup.attributes());

            // A gateway endpoint's own JDBC calls are children of its request's span.
            String historyTrace = "5bf92f3577b34da6a3ce929d0e0e4737";
            ContractResponse history = cluster.gatewayA.send(ContractRequest.get("/v1/session/" + session + "/events")
                .header("Authorization", "Bearer " + ALICE).header("traceparent", "00-" + historyTrace + "-00f067aa0ba902b8-01"));
            assertEquals(200, history.status(), history.text());
            Await.until("the history read's server span and a JDBC span", Duration.ofSeconds(20),
                () -> receiver.trace(historyTrace).stream().anyMatch(s -> s.kind() == OtlpReceiver.SERVER)
                    && receiver.trace(historyTrace).stream().anyMatch(s -> s.kind() == OtlpReceiver.CLIENT));
            List<OtlpReceiver.Span> read = receiver.trace(historyTrace);
            OtlpReceiver.Span historyServer = OtlpReceiver.only(read, "gatehouse-a", OtlpReceiver.SERVER);
            List<OtlpReceiver.Span> queries = read.stream().filter(s -> s.kind() == OtlpReceiver.CLIENT).toList();
            assertFalse(queries.isEmpty(), read.toString());
            assertTrue(queries.stream().allMatch(q -> q.parentSpanId().equals(historyServer.spanId())
                && "postgresql".equals(q.attributes().get("db.system"))), read.toString());
            stream.cancel(true);
        }
    }
}
