package io.gatehouse.container.proxy;

import io.gatehouse.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ProxyConnectionHandler}: who answers which request on one connection, in which order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyConnectionHandlerTest {

    private TestUpstream upstream;
    private ProxyGateway catchAll;
    private ProxyGateway scoped;
    private ProxyGateway small;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void start() {
        upstream = TestUpstream.start();
        catchAll = ProxyGateway.start("""
            upstreams:
              all: { targets: [ "%s" ] }
            routes:
              - { id: everything, match: { path: "/**" }, upstream: all }
            """.formatted(upstream.url()));
        scoped = ProxyGateway.start("""
            upstreams:
              api: { targets: [ "%s" ] }
            routes:
              - { id: api, match: { path: "/api/**" }, upstream: api, strip-prefix: true }
            """.formatted(upstream.url()));
        small = ProxyGateway.start("""
            upstreams:
              api: { targets: [ "%s" ] }
            routes:
              - { id: small, match: { path: "/small/**" }, upstream: api, request-limits: { max-body: 1KiB } }
            """.formatted(upstream.url()));
    }

    @AfterAll
    void stop() {
        small.close();
        catchAll.close();
        scoped.close();
        upstream.close();
    }

    @Test
    void gatewayEndpoint_isServedByMicronautDespiteACatchAllRoute() throws Exception {
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(catchAll.uri("/v1/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertTrue(health.body().contains("\"status\""), health.body());
        HttpResponse<String> proxied = client.send(HttpRequest.newBuilder(catchAll.uri("/anything/else")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals("upstream ok", proxied.body());
    }

    @Test
    void pathWithoutRoute_isTheNotFoundEnvelope() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(scoped.uri("/nowhere")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode());
        assertTrue(response.body().contains("\"code\":\"not_found\""), response.body());
    }

    @Test
    void pipelinedRequests_areAnsweredInOrderWhoeverAnswers() throws Exception {
        try (RawHttp raw = new RawHttp(scoped.port())) {
            String host = "Host: gw.test\r\n\r\n";
            raw.send("GET /api/a HTTP/1.1\r\n" + host + "GET /ping HTTP/1.1\r\n" + host
                + "GET /api/b HTTP/1.1\r\n" + host + "GET /nowhere HTTP/1.1\r\n" + host + "GET /api/c HTTP/1.1\r\n" + host);
            List<RawHttp.Response> responses = raw.readAll(5);
            assertEquals(List.of(200, 200, 200, 404, 200), responses.stream().map(RawHttp.Response::status).toList());
            assertEquals("upstream ok", responses.get(0).body());
            assertEquals("OK", responses.get(1).body());
            assertEquals("upstream ok", responses.get(2).body());
            assertTrue(responses.get(3).body().contains("not_found"), responses.get(3).body());
            assertEquals("upstream ok", responses.get(4).body());
        }
    }

    @Test
    void gatewayEndpointPipelinedBehindASlowProxiedRequest_isAnsweredAfterIt() throws Exception {
        upstream.handle("/slow", exchange -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "slow ok".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        try (RawHttp raw = new RawHttp(scoped.port())) {
            String host = "Host: gw.test\r\n\r\n";
            raw.send("GET /api/slow HTTP/1.1\r\n" + host + "GET /ping HTTP/1.1\r\n" + host);
            List<RawHttp.Response> responses = raw.readAll(2);
            assertEquals(List.of(200, 200), responses.stream().map(RawHttp.Response::status).toList());
            assertEquals("slow ok", responses.get(0).body());
            assertEquals("OK", responses.get(1).body());
        }
    }

    /**
     * A body refused by its length is never read. Closing with it unread in the socket would make the
     * kernel answer with a reset, which can reach the client before the 413 and destroy it; the
     * gateway lingers instead, reading and dropping the body, so the client gets the 413 and then the
     * end of the stream.
     */
    @Test
    void bodyRefusedByItsLength_thenThe413ArrivesWhileTheClientIsStillSending() throws Exception {
        int size = 2 * 1024 * 1024;
        for (int attempt = 0; attempt < 5; attempt++) {
            try (RawHttp raw = new RawHttp(small.port())) {
                raw.send("POST /small/upload HTTP/1.1\r\nHost: gw.test\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + size + "\r\n\r\n");
                java.util.concurrent.atomic.AtomicReference<Throwable> sendFailure = new java.util.concurrent.atomic.AtomicReference<>();
                Thread sender = Thread.ofVirtual().start(() -> {
                    try {
                        raw.send("x".repeat(size));
                    } catch (java.io.IOException e) {
                        sendFailure.set(e);
                    }
                });
                RawHttp.Response response = raw.read();
                assertEquals(413, response.status(), response.body());
                assertTrue(response.body().contains("\"code\":\"payload_too_large\""), response.body());
                assertEquals("close", response.header("Connection"));
                sender.join(10_000);
                // A client such as Java's HttpClient gives up on the response when sending its body fails.
                assertEquals(null, sendFailure.get(), "the body was sent to the end without a reset");
                assertTrue(raw.closedByServer());
            }
        }
    }

    @Test
    void http10Request_isAnsweredThenClosed() throws Exception {
        try (RawHttp raw = new RawHttp(scoped.port())) {
            raw.send("GET /api/x HTTP/1.0\r\nHost: gw.test\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertEquals(200, response.status());
            assertEquals("upstream ok", response.body());
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void connectionClose_isHonouredAfterTheProxiedResponse() throws Exception {
        try (RawHttp raw = new RawHttp(scoped.port())) {
            raw.send("GET /api/x HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertEquals("close", response.header("Connection"));
            assertTrue(raw.closedByServer());
        }
    }
}
