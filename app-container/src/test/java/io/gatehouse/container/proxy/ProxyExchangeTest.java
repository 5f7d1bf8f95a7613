package io.gatehouse.container.proxy;

import com.sun.net.httpserver.HttpExchange;
import io.gatehouse.testing.TestUpstream;
import io.gatehouse.upstream.TargetState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ProxyExchange} against real upstreams on loopback: passthrough, header rules, rewrites,
 * streaming both ways, SSE, keep-alive, timeouts, retries and error statuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyExchangeTest {

    private TestUpstream main;
    private TestUpstream retryGet;
    private TestUpstream retryPost;
    private ProxyGateway gateway;
    private HttpClient client;
    private final Set<Integer> upstreamClientPorts = ConcurrentHashMap.newKeySet();

    @BeforeAll
    void start() {
        main = TestUpstream.start()
            .handle("/echo", ProxyExchangeTest::echo)
            .handle("/teapot", exchange -> {
                exchange.getResponseHeaders().set("X-Custom", "passthrough");
                exchange.getResponseHeaders().set("Keep-Alive", "timeout=5");
                exchange.getResponseHeaders().set("Proxy-Authenticate", "Basic realm=x");
                send(exchange, 418, "short and stout");
            })
            .handle("/chunked", exchange -> {
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int i = 0; i < 3; i++) {
                        out.write(("part" + i + ";").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
            })
            .handle("/upload", exchange -> {
                long length = 0;
                long sum = 0;
                try (InputStream in = exchange.getRequestBody()) {
                    byte[] buffer = new byte[65536];
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        length += n;
                        for (int i = 0; i < n; i++) {
                            sum = sum * 31 + buffer[i];
                        }
                    }
                }
                String te = exchange.getRequestHeaders().getFirst("Transfer-Encoding");
                send(exchange, 200, length + " " + sum + " " + te);
            })
            .handle("/port", exchange -> {
                upstreamClientPorts.add(exchange.getRemoteAddress().getPort());
                send(exchange, 200, String.valueOf(exchange.getRemoteAddress().getPort()));
            })
            .handle("/slow", exchange -> {
                sleep(3000);
                send(exchange, 200, "late");
            })
            .handle("/stall", exchange -> {
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write("first".getBytes(StandardCharsets.UTF_8));
                out.flush();
                sleep(5000);
                out.close();
            })
            .handle("/sse", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int i = 0; i < 3; i++) {
                        if (i > 0) {
                            sleep(1000);
                        }
                        out.write(("data: event" + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
            });
        retryGet = TestUpstream.start().handle("/r", exchange -> send(exchange, 200, "retried"));
        retryPost = TestUpstream.start().handle("/r", exchange -> {
            exchange.getRequestBody().readAllBytes();
            send(exchange, 200, "posted");
        });
        String resilient = """
                health-check: { enabled: false }
                outlier-detection: { consecutive-failures: 0 }
                circuit-breaker: { enabled: false }
            """;
        String yaml = """
            upstreams:
              main:
                targets: [ "%1$s" ]
                health-check: { enabled: false }
              dead:
                targets: [ "http://127.0.0.1:%2$d" ]
            %5$s
              retry-get:
                targets: [ "http://127.0.0.1:%2$d", "%3$s" ]
            %5$s
              retry-post:
                targets: [ "http://127.0.0.1:%2$d", "%4$s" ]
            %5$s
            routes:
              - { id: api, match: { path: "/api/**" }, upstream: main, strip-prefix: true }
              - { id: preserve, match: { path: "/preserve/**" }, upstream: main, strip-prefix: true, host-header: preserve }
              - { id: literal, match: { path: "/literal/**" }, upstream: main, strip-prefix: true, host-header: api.internal }
              - { id: template, match: { path: "/tpl/{project}/**" }, upstream: main, rewrite: "/echo/{project}/{**}" }
              - { id: segments, match: { path: "/seg/**" }, upstream: main, strip-prefix: 2 }
              - { id: regex, match: { path: "/rx/**" }, upstream: main, rewrite: { regex: "^/rx", replacement: "/echo" } }
              - { id: plain, match: { path: "/echo/**" }, upstream: main }
              - id: timeouts
                match: { path: "/t/**" }
                upstream: main
                strip-prefix: true
                timeouts: { response: 300ms, idle: 300ms }
              - { id: dead, match: { path: "/dead/**" }, upstream: dead, retries: 0 }
              - { id: retry-get, match: { path: "/rg/**" }, upstream: retry-get, strip-prefix: true, retries: { attempts: 1, backoff: 10ms } }
              - { id: retry-post, match: { path: "/rp/**" }, upstream: retry-post, strip-prefix: true, retries: { attempts: 1, backoff: 10ms } }
            """.formatted(main.url(), TestUpstream.closedPort(), retryGet.url(), retryPost.url(), resilient.stripTrailing());
        gateway = ProxyGateway.start(yaml);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    void stop() {
        gateway.close();
        main.close();
        retryGet.close();
        retryPost.close();
    }

    // ------------------------------------------------------------------ passthrough

    @Test
    void upstreamResponse_passesThroughStatusBodyAndHeaders() throws Exception {
        HttpResponse<String> response = get("/api/teapot");
        assertEquals(418, response.statusCode());
        assertEquals("short and stout", response.body());
        assertEquals("passthrough", response.headers().firstValue("X-Custom").orElse(null));
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElse(null));
        assertEquals("v1", response.headers().firstValue("X-API-Version").orElse(null));
        assertTrue(response.headers().firstValue("X-Request-ID").isPresent());
    }

    @Test
    void hopByHopResponseHeaders_areNotRelayed() throws Exception {
        HttpResponse<String> response = get("/api/teapot");
        assertTrue(response.headers().firstValue("Keep-Alive").isEmpty());
        assertTrue(response.headers().firstValue("Proxy-Authenticate").isEmpty());
    }

    @Test
    void hopByHopRequestHeaders_areNotForwarded() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET /api/echo HTTP/1.1\r\nHost: gw.test\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\n"
                + "Keep-Alive: 300\r\nTE: trailers\r\nProxy-Authorization: Basic eA==\r\nUpgrade: foo/2\r\n"
                + "Trailer: X-T\r\nX-Kept: yes\r\n\r\n");
            Map<String, String> seen = parseEcho(raw.read().body());
            for (String name : List.of("connection", "x-secret", "keep-alive", "te", "proxy-authorization", "upgrade", "trailer")) {
                assertFalse(seen.containsKey(name), name + " was forwarded: " + seen);
            }
            assertEquals("yes", seen.get("x-kept"));
        }
    }

    // ------------------------------------------------------------------ forwarding headers

    @Test
    void forwardedHeaders_describeTheClientHop() throws Exception {
        String host = "127.0.0.1:" + gateway.port();
        Map<String, String> seen = parseEcho(send(HttpRequest.newBuilder(gateway.uri("/api/echo/x"))
            .header("X-Forwarded-For", "203.0.113.7")
            .header("Forwarded", "for=203.0.113.7")
            .build()).body());
        assertEquals("127.0.0.1", seen.get("x-forwarded-for"), "an untrusted caller's chain is replaced");
        assertEquals("http", seen.get("x-forwarded-proto"));
        assertEquals(host, seen.get("x-forwarded-host"));
        assertEquals("/api", seen.get("x-forwarded-prefix"));
        assertEquals("for=127.0.0.1;proto=http;host=\"" + host + "\"", seen.get("forwarded"));
    }

    @Test
    void untrustedForwardedHeaders_areReplaced() throws Exception {
        Map<String, String> seen = parseEcho(send(HttpRequest.newBuilder(gateway.uri("/echo/x"))
            .header("X-Forwarded-Proto", "https")
            .header("X-Forwarded-Host", "evil.example")
            .header("X-Forwarded-Prefix", "/evil")
            .build()).body());
        assertEquals("http", seen.get("x-forwarded-proto"));
        assertEquals("127.0.0.1:" + gateway.port(), seen.get("x-forwarded-host"));
        // The path was not shortened, so there is no prefix to report.
        assertNull(seen.get("x-forwarded-prefix"));
    }

    @Test
    void requestIdAndTraceparent_areForwardedAndTheIdReturned() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.uri("/api/echo"))
            .header("X-Request-ID", "req-123.abc")
            .header("traceparent", traceparent)
            .build());
        Map<String, String> seen = parseEcho(response.body());
        assertEquals("req-123.abc", seen.get("x-request-id"));
        assertEquals(traceparent, seen.get("traceparent"));
        assertEquals("req-123.abc", response.headers().firstValue("X-Request-ID").orElse(null));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"absent,", "invalid,bad id with spaces"})
    void unusableRequestId_isReplacedByOneUuidSeenOnBothSides(String description, String incoming) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(gateway.uri("/api/echo"));
        if (incoming != null) {
            builder.header("X-Request-ID", incoming);
        }
        HttpResponse<String> response = send(builder.build());
        String returned = response.headers().firstValue("X-Request-ID").orElseThrow();
        assertEquals(returned, parseEcho(response.body()).get("x-request-id"));
        assertEquals(4, java.util.UUID.fromString(returned).version());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "upstream (default),/api/echo,TARGET",
        "preserve,/preserve/echo,CLIENT",
        "literal,/literal/echo,api.internal"})
    void hostHeader_followsTheRoutePolicy(String description, String path, String expected) throws Exception {
        String host = parseEcho(get(path).body()).get("host");
        String want = switch (expected) {
            case "TARGET" -> URI.create(main.url()).getAuthority();
            case "CLIENT" -> "127.0.0.1:" + gateway.port();
            default -> expected;
        };
        assertEquals(want, host);
    }

    // ------------------------------------------------------------------ rewriting

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "strip-prefix keeps the query,/api/echo/a?q=1&q=2,/echo/a?q=1&q=2",
        "template,/tpl/acme/x/y,/echo/acme/x/y",
        "strip two segments,/seg/one/echo/z,/echo/z",
        "regex,/rx/abc,/echo/abc",
        "no rewrite,/echo/plain,/echo/plain"})
    void upstreamPath_followsTheRouteRewrite(String description, String path, String expected) throws Exception {
        assertEquals(expected, parseEcho(get(path).body()).get("uri"));
    }

    // ------------------------------------------------------------------ streaming

    @Test
    void chunkedResponse_streamsThrough() throws Exception {
        HttpResponse<String> response = get("/api/chunked");
        assertEquals(200, response.statusCode());
        assertEquals("part0;part1;part2;", response.body());
    }

    @Test
    void chunkedRequestBody_streamsThrough() throws Exception {
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        long sum = 0;
        for (byte b : data) {
            sum = sum * 31 + b;
        }
        HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.uri("/api/upload"))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(data)))
            .build());
        assertEquals(data.length + " " + sum + " chunked", response.body());
    }

    @Test
    void sequentialRequests_reuseOneUpstreamConnection() throws Exception {
        upstreamClientPorts.clear();
        try (RawHttp raw = new RawHttp(gateway.port())) {
            for (int i = 0; i < 5; i++) {
                raw.send("GET /api/port HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                assertEquals(200, raw.read().status());
            }
        }
        assertEquals(1, upstreamClientPorts.size(), "upstream connections: " + upstreamClientPorts);
    }

    @Test
    void serverSentEvents_reachTheClientOneByOne() throws Exception {
        HttpResponse<java.util.stream.Stream<String>> response = client.send(
            HttpRequest.newBuilder(gateway.uri("/api/sse")).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofLines());
        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse(null));
        List<Long> arrivals = new ArrayList<>();
        List<String> events = new ArrayList<>();
        response.body().filter(line -> line.startsWith("data:")).forEach(line -> {
            arrivals.add(System.nanoTime());
            events.add(line);
        });
        assertEquals(List.of("data: event0", "data: event1", "data: event2"), events);
        for (int i = 1; i < arrivals.size(); i++) {
            long gapMillis = (arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000;
            // The upstream sends one event per second; buffering would deliver them together.
            assertTrue(gapMillis > 500, "event " + i + " arrived " + gapMillis + " ms after the previous one");
        }
    }

    // ------------------------------------------------------------------ failures

    @Test
    void connectFailure_isBadGatewayEnvelope() throws Exception {
        HttpResponse<String> response = get("/dead/x");
        assertEquals(502, response.statusCode());
        assertTrue(response.body().contains("\"code\":\"bad_gateway\""), response.body());
        assertEnvelopeStamped(response);
    }

    @Test
    void slowUpstream_isGatewayTimeoutEnvelope() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = get("/t/slow");
        assertEquals(504, response.statusCode());
        assertTrue(response.body().contains("\"code\":\"gateway_timeout\""), response.body());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2500, "the 300 ms response timeout was not applied");
        assertEnvelopeStamped(response);
    }

    @Test
    void stalledStream_isCutAfterTheIdleTimeout() throws Exception {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(gateway.uri("/t/stall")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        long start = System.nanoTime();
        try (InputStream body = response.body()) {
            assertEquals("first", new String(body.readNBytes(5), StandardCharsets.UTF_8));
            assertThrows(IOException.class, body::readAllBytes);
        }
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2500, "the 300 ms idle timeout was not applied");
    }

    @Test
    void connectFailure_retriesGetOnAnotherTarget() throws Exception {
        int before = retryGet.requests();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = get("/rg/r");
            assertEquals(200, response.statusCode());
            assertEquals("retried", response.body());
        }
        assertEquals(before + 4, retryGet.requests());
    }

    @Test
    void connectFailure_doesNotRetryPost() throws Exception {
        int before = retryPost.requests();
        int ok = 0;
        int badGateway = 0;
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.uri("/rp/r"))
                .POST(HttpRequest.BodyPublishers.ofString("payload")).build());
            if (response.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(502, response.statusCode());
                badGateway++;
            }
        }
        assertTrue(badGateway > 0, "every POST reached the live target: the dead one was never chosen or POST was retried");
        assertEquals(before + ok, retryPost.requests());
    }

    @Test
    void noAvailableTarget_isServiceUnavailableWithRetryAfter() throws Exception {
        List<TargetState> targets = gateway.state().current().upstreams().get("dead").targets();
        targets.forEach(t -> t.markHealthy(false));
        try {
            HttpResponse<String> response = get("/dead/x");
            assertEquals(503, response.statusCode());
            assertTrue(response.body().contains("\"code\":\"service_unavailable\""), response.body());
            assertTrue(response.body().contains("\"reason\":\"no_healthy_target\""), response.body());
            assertNotNull(response.headers().firstValue("Retry-After").orElse(null));
            assertEnvelopeStamped(response);
        } finally {
            targets.forEach(t -> t.markHealthy(true));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void assertEnvelopeStamped(HttpResponse<String> response) {
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        assertEquals("v1", response.headers().firstValue("X-API-Version").orElse(null));
        String id = response.headers().firstValue("X-Request-ID").orElseThrow();
        assertTrue(response.body().contains("\"request_id\":\"" + id + "\""), response.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(gateway.uri(path)).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Answers with the request line and headers, one {@code name: value} a line. */
    private static void echo(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        StringBuilder body = new StringBuilder();
        body.append("method: ").append(exchange.getRequestMethod()).append('\n');
        body.append("uri: ").append(exchange.getRequestURI().toString()).append('\n');
        exchange.getRequestHeaders().forEach((name, values) ->
            body.append(name.toLowerCase(Locale.ROOT)).append(": ").append(String.join(", ", values)).append('\n'));
        send(exchange, 200, body.toString());
    }

    private static Map<String, String> parseEcho(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                out.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return out;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
