package io.gatehouse.container.server;

import io.gatehouse.container.proxy.ProxyGateway;
import io.gatehouse.container.proxy.RawHttp;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The container's limits on what a client sends, over raw sockets: the request body limit on the
 * streaming engine (by {@code Content-Length} and while a chunked body streams), Micronaut's
 * {@code max-request-size} on a gateway endpoint, the request-head deadline against a trickled
 * head, the minimum body rate against a trickled body, a client that never reads its response (cut
 * by the route's idle timeout, the upstream connection closed), and the connection limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientGuardTest {

    private static final JsonMapper JSON = JsonMapper.createDefault();

    private final CountDownLatch streamCut = new CountDownLatch(1);
    private TestUpstream upstream;
    private ProxyGateway gateway;
    private ProxyGateway limited;

    @BeforeAll
    void start() {
        upstream = TestUpstream.start().handle("/echo", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            byte[] answer = ("received " + body.length).getBytes();
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        }).handle("/stream", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            try (var out = exchange.getResponseBody()) {
                for (int i = 0; i < 16_384; i++) {
                    out.write(chunk);
                    out.flush();
                }
            } catch (IOException cut) {
                streamCut.countDown();
            }
        });
        String yaml = """
            upstreams:
              up: { targets: [ "%s" ] }
            routes:
              - { id: up, match: { path: "/up/**" }, upstream: up, strip-prefix: true }
              - { id: big, match: { path: "/big/**" }, upstream: up, strip-prefix: true, timeouts: { idle: 1s } }
            """.formatted(upstream.url());
        gateway = ProxyGateway.start(yaml, Map.of(
            "gateway.proxy.max-request-body", 1000,
            "micronaut.server.max-request-size", 2048,
            "gateway.server.request-head-timeout", "1s",
            "gateway.server.request-body-grace", "1s",
            "gateway.server.request-body-min-rate", 1000));
        limited = ProxyGateway.start(yaml, Map.of("gateway.server.max-connections", 2));
    }

    @AfterAll
    void stop() {
        gateway.close();
        limited.close();
        upstream.close();
    }

    @Test
    void contentLengthAboveLimit_then413AtOnceWithoutReadingTheBody() throws Exception {
        int before = upstream.requests();
        try (RawHttp raw = new RawHttp(gateway.port())) {
            // Only the head: the answer must not wait for a body.
            raw.send("POST /up/echo HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 5000\r\n\r\n");
            RawHttp.Response response = raw.read();
            JsonNode error = envelope(response, 413, "payload_too_large");
            assertEquals(1000, error.get("details").get("limit_bytes").getIntValue());
            assertEquals("close", response.header("connection"));
            assertTrue(raw.closedByServer());
        }
        assertEquals(before, upstream.requests());
    }

    @Test
    void chunkedBodyCrossingLimit_then413AndClose() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            String chunk = "258\r\n" + "x".repeat(600) + "\r\n";
            raw.send("POST /up/echo HTTP/1.1\r\nHost: gw.test\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk);
            RawHttp.Response response = raw.read();
            envelope(response, 413, "payload_too_large");
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void bodyAtLimit_isForwarded() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("POST /up/echo HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 1000\r\n\r\n" + "y".repeat(1000));
            RawHttp.Response response = raw.read();
            assertEquals(200, response.status());
            assertEquals("received 1000", response.body());
        }
    }

    @Test
    void gatewayEndpointBodyAboveMaxRequestSize_then413Envelope() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("POST /v1/tokens HTTP/1.1\r\nHost: gw.test\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n"
                + "{\"a\":\"" + "z".repeat(4096 - 8) + "\"}");
            envelope(raw.read(), 413, "payload_too_large");
        }
    }

    @Test
    void headTrickledOneByteAtATime_then408AndClose() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            String head = "GET /ping HTTP/1.1\r\nHost: gw.test\r\nX-Slow: " + "s".repeat(40) + "\r\n\r\n";
            int sent = 0;
            // At 5 bytes a second the head would take 14 s; the deadline is 1 s.
            try {
                for (; sent < head.length(); sent++) {
                    raw.send(head.substring(sent, sent + 1));
                    Thread.sleep(200);
                    if (raw.available() > 0) {
                        break;
                    }
                }
            } catch (IOException closed) {
                // the gateway closed while bytes were still being sent
            }
            assertTrue(sent < head.length() - 1, "the head was cut before it was complete");
            RawHttp.Response response = raw.read();
            JsonNode error = envelope(response, 408, "request_timeout");
            assertEquals("request_head", error.get("details").get("timeout").getStringValue());
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void idleKeepAliveConnection_isNotCutByTheHeadDeadline() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET /ping HTTP/1.1\r\nHost: gw.test\r\n\r\n");
            assertEquals(200, raw.read().status());
            // Twice the head deadline with nothing sent: waiting for a next request is not a slow head.
            Thread.sleep(2000);
            raw.send("GET /ping HTTP/1.1\r\nHost: gw.test\r\n\r\n");
            assertEquals(200, raw.read().status());
        }
    }

    @Test
    void bodyTrickled_then408AndClose() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("POST /up/echo HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 900\r\n\r\n");
            int sent = 0;
            try {
                for (; sent < 900; sent++) {
                    raw.send("b");
                    Thread.sleep(100);
                    if (raw.available() > 0) {
                        break;
                    }
                }
            } catch (IOException closed) {
                // the gateway closed while bytes were still being sent
            }
            assertTrue(sent < 899, "the body was cut before it was complete");
            JsonNode error = envelope(raw.read(), 408, "request_timeout");
            assertEquals("request_body", error.get("details").get("timeout").getStringValue());
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void connectionAboveMaxConnections_then503OverloadedAndClose() throws Exception {
        try (RawHttp first = new RawHttp(limited.port()); RawHttp second = new RawHttp(limited.port())) {
            first.send("GET /ping HTTP/1.1\r\nHost: gw.test\r\n\r\n");
            second.send("GET /ping HTTP/1.1\r\nHost: gw.test\r\n\r\n");
            assertEquals(200, first.read().status());
            assertEquals(200, second.read().status());
            try (RawHttp third = new RawHttp(limited.port())) {
                third.send("GET /up/echo HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                RawHttp.Response response = third.read();
                JsonNode error = envelope(response, 503, "overloaded");
                assertEquals("max_connections", error.get("details").get("reason").getStringValue());
                assertEquals("1", response.header("retry-after"));
                assertTrue(third.closedByServer());
            }
        }
        // Both slots free again once their connections closed: a new one is served.
        RawHttp.Response served = null;
        for (int attempt = 0; attempt < 50 && served == null; attempt++) {
            try (RawHttp again = new RawHttp(limited.port())) {
                again.send("GET /up/echo HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                RawHttp.Response response = again.read();
                if (response.status() == 200) {
                    served = response;
                } else {
                    Thread.sleep(100);
                }
            }
        }
        assertNotNull(served, "a connection is served once the others closed");
    }

    @Test
    void clientThatNeverReads_isCutAtTheIdleTimeoutAndTheUpstreamReleased() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            socket.getOutputStream().write("GET /big/stream HTTP/1.1\r\nHost: gw.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            // Never read: the response (1 GiB) backs up; the route's idle timeout (1 s) ends the exchange.
            assertTrue(streamCut.await(30, TimeUnit.SECONDS), "the upstream connection was closed");
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                read += n;
            }
            assertTrue(read < 1L << 30, "the client connection was closed before the whole response: " + read);
        }
    }

    private static JsonNode envelope(RawHttp.Response response, int status, String code) throws IOException {
        assertEquals(status, response.status(), response.body());
        JsonNode error = JSON.readValue(response.body(), JsonNode.class).get("error");
        assertEquals(code, error.get("code").getStringValue(), response.body());
        assertNotNull(error.get("request_id"));
        assertNotNull(response.header("x-request-id"));
        // The guard's own refusals carry the security headers every response carries.
        assertEquals("nosniff", response.header("x-content-type-options"), response.headers().toString());
        assertEquals("DENY", response.header("x-frame-options"), response.headers().toString());
        return error;
    }
}
