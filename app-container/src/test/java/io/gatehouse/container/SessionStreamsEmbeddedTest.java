package io.gatehouse.container;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.testing.Await;
import io.gatehouse.testing.TestSchema;
import io.gatehouse.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Session streams on one node without Kafka (the embedded default's shape: no
 * {@code kafka.bootstrap.servers}): the intake hands its accepted events to the hub, so a
 * caller's messages appear on its stream, over HTTP/1.1 and h2c; a client that stops reading is disconnected once
 * {@code gateway.conversations.stream-buffer} events wait for it, its subscription gone, while a
 * client reading the same session receives every event; and a gzip stream flushes each event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionStreamsEmbeddedTest {

    private static final String SECRET = "streams-embedded-secret-0123456789abcdef01";
    private static final String ALICE = TestTokens.hmac(TestTokens.claims("alice").claim("tenant", "acme").build(),
        new JWSHeader(JWSAlgorithm.HS256), SECRET.getBytes(StandardCharsets.UTF_8));
    private static final int MESSAGE = 60_000;

    private TestSchema schema;
    private NettyRuntime runtime;
    private GatewayTransport gateway;

    @BeforeAll
    void start() {
        schema = TestSchema.create("streamsembedded");
        Map<String, Object> p = new HashMap<>(schema.properties());
        p.put("gateway.jwt.secret", SECRET);
        p.put("gateway.conversations.redis-prefix", "test:" + schema.name() + ":session:");
        p.put("gateway.conversations.max-message-length", MESSAGE);
        p.put("gateway.conversations.stream-buffer", 8);
        // HTTP/2 on (h2c by upgrade), as the HTTP/2 contract runners have it; HTTP/1.1 clients are unchanged.
        p.put("micronaut.server.http-version", "2.0");
        runtime = new NettyRuntime();
        gateway = runtime.start(p);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (schema != null) {
            schema.close();
        }
    }

    private String post(String sessionId, String message) {
        ContractResponse response = gateway.send(ContractRequest.of("POST", "/v1/session/message").header("Authorization", "Bearer " + ALICE)
            .body("application/json", "{" + (sessionId == null ? "" : "\"session_id\":\"" + sessionId + "\",") + "\"message\":\"" + message + "\"}"));
        assertEquals(202, response.status(), response.text());
        return response.json().get(sessionId == null ? "session_id" : "event_id").getStringValue();
    }

    @Test
    void slowReader_thenDisconnectedAtItsBuffer_whileAReaderOfTheSameSessionGetsEveryEvent() throws Exception {
        String session = post(null, "hello");
        // The streams of the other cases are closed with their connections: this case counts its own two.
        Await.until("no other stream open", Duration.ofSeconds(10), () -> SessionStreamsTest.gauge(gateway, "gatehouse_stream_subscribers") == 0);
        Set<String> received = ConcurrentHashMap.newKeySet();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<Stream<String>> reader = http.send(HttpRequest.newBuilder(URI.create(runtime.uri() + "/v1/session/" + session + "/events"))
            .header("Accept", "text/event-stream").header("Authorization", "Bearer " + ALICE).build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, reader.statusCode());
        Thread.ofVirtual().start(() -> reader.body().filter(l -> l.startsWith("id: ")).forEach(l -> received.add(l.substring(4))));

        try (Socket slow = new Socket()) {
            // A small receive window, and never a read: the gateway's writes back up at once.
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress(runtime.uri().getHost(), runtime.uri().getPort()));
            OutputStream out = slow.getOutputStream();
            out.write(("GET /v1/session/" + session + "/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                + "Authorization: Bearer " + ALICE + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Await.until("both streams subscribed", Duration.ofSeconds(10),
                () -> SessionStreamsTest.gauge(gateway, "gatehouse_stream_subscribers") == 2);

            double disconnectsBefore = SessionStreamsTest.gauge(gateway, "gatehouse_stream_disconnects_total");
            String body = "x".repeat(MESSAGE - 10);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 200 && SessionStreamsTest.gauge(gateway, "gatehouse_stream_subscribers") == 2; i++) {
                for (int j = 0; j < 5; j++) {
                    sent.add(post(session, body));
                }
            }
            String diagnostics = "after " + sent.size() + " events: disconnects " + SessionStreamsTest.gauge(gateway, "gatehouse_stream_disconnects_total")
                + ", received by the reader " + received.size();
            assertEquals(1.0, SessionStreamsTest.gauge(gateway, "gatehouse_stream_subscribers"),
                "the slow reader's stream is closed, its subscription gone; " + diagnostics);
            assertEquals(disconnectsBefore + 1, SessionStreamsTest.gauge(gateway, "gatehouse_stream_disconnects_total"));
            // The socket buffers of loopback hold a few MB (about 70 of these 60 kB events); the stream's own 8 come on top.
            assertTrue(sent.size() <= 300, "closed once its buffer was full, not at the end of the loop: " + diagnostics);

            // What the kernel and Netty held is readable, then the connection ends.
            slow.setSoTimeout(20_000);
            InputStream in = slow.getInputStream();
            byte[] buffer = new byte[65536];
            long total = 0;
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
            assertTrue(total > 0, "the head and some events were sent");

            Await.until("the reading client received every event", Duration.ofSeconds(30), () -> received.containsAll(sent));
        } finally {
            reader.body().close();
        }
    }

    @Test
    void clientAcceptingGzip_thenCompressedAndEachEventFlushedAtOnce() throws Exception {
        String session = post(null, "hello");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(runtime.uri() + "/v1/session/" + session + "/events"))
            .header("Accept", "text/event-stream").header("Accept-Encoding", "gzip").header("Authorization", "Bearer " + ALICE)
            .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertEquals("gzip", stream.headers().firstValue("Content-Encoding").orElse(null));
        StringBuffer text = new StringBuffer();
        Thread reader = Thread.ofVirtual().start(() -> {
            // Byte by byte as they are inflated: a Reader would wait for a whole buffer.
            try (InputStream in = new java.util.zip.GZIPInputStream(stream.body(), 64)) {
                byte[] buffer = new byte[4096];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException e) {
                // Closed by the test.
            }
        });
        try {
            Await.until("the stream's opening comment", Duration.ofSeconds(5), () -> text.toString().contains(": stream open\n\n"));
            String eventId = post(session, "compressed, and still at once");
            Await.until("the message on its stream", Duration.ofSeconds(5), () -> text.toString().contains("id: " + eventId + "\n"));
        } finally {
            reader.interrupt();
            stream.body().close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = HttpClient.Version.class)
    void userMessage_thenOnItsStreamWithoutKafka(HttpClient.Version version) throws Exception {
        String session = post(null, "hello");
        HttpClient http = HttpClient.newBuilder().version(version).build();
        HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create(runtime.uri() + "/v1/session/" + session + "/events"))
            .header("Accept", "text/event-stream").header("Authorization", "Bearer " + ALICE).build(), HttpResponse.BodyHandlers.ofLines());
        try {
            assertEquals(200, stream.statusCode());
            assertEquals(version, stream.version(), "h2c is taken on a request without a body");
            List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> stream.body().forEach(lines::add));
            String eventId = post(session, "only one node here");
            Await.until("the message on its stream", Duration.ofSeconds(10), () -> lines.contains("id: " + eventId));
            int at = lines.indexOf("id: " + eventId);
            assertTrue(lines.get(at + 1).startsWith("data: {\"event_id\":\"" + eventId + "\""), lines.toString());
            assertTrue(lines.get(at + 1).contains("\"message\":\"only one node here\""), lines.get(at + 1));
            assertEquals("", lines.get(at + 2));
        } finally {
            stream.body().close();
        }
    }
}
