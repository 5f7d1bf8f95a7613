package io.gatehouse.contract;

import io.gatehouse.testing.BrokenUpstream;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * REST proxy routes behave the same on every runtime: routes and upstreams configured through
 * {@code gateway.routes[i]} and {@code gateway.upstreams.*}, real upstream servers on loopback
 * ({@link EchoUpstream}), and only what a client sees asserted. Covered: status, headers and body
 * passed through unchanged (upstream 4xx and 5xx are not turned into envelopes); method, body and
 * raw query forwarded; every forwarding header; hop-by-hop headers removed both ways; every matcher
 * and the priority rule; every rewrite; 413, 501, 502, 503 and 504 envelopes; the connect, response
 * and idle timeouts; retries of idempotent requests only, with their backoff; {@code GET /v1/services}.
 * Upstream policies and states are in {@link UpstreamContractTest}.
 *
 * <p>Requests that need a Host send {@code Host: api.example.com}, the custom domain the Lambda
 * runners use, so every runtime sees the same host.
 */
public abstract class ProxyContractTest extends ContractTestBase {

    /** The host every request that cares about it addresses. */
    protected static final String HOST = "api.example.com";

    private static final Pattern IP = Pattern.compile("[0-9a-fA-F:.]+");

    private final EchoUpstream echo = EchoUpstream.start("echo");
    private final EchoUpstream second = EchoUpstream.start("second");
    private final EchoUpstream retryLive = EchoUpstream.start("retry-live");
    private final EchoUpstream postLive = EchoUpstream.start("post-live");
    private final EchoUpstream afterTimeout = EchoUpstream.start("after-timeout");
    private final EchoUpstream statusA = EchoUpstream.start("status-a");
    private final EchoUpstream statusB = EchoUpstream.start("status-b");
    private final EchoUpstream statusLone = EchoUpstream.start("status-lone");
    private final BrokenUpstream connectHangs = BrokenUpstream.connectHangs();
    private final BrokenUpstream closesWithoutAnswer = BrokenUpstream.closesWithoutAnswer();
    private final List<Map<String, Object>> routes = new ArrayList<>();

    /**
     * @return the client address this runtime reports for the suite's requests, when the runner knows it
     */
    protected Optional<String> expectedClientAddress() {
        return Optional.empty();
    }

    /**
     * Whether this runtime proxies through the buffered engine: Lambda always; the container until
     * its streaming engine (which takes proxied requests before Micronaut) is installed. The buffered
     * engine refuses bodies above {@code gateway.proxy.max-buffered-body} with 413 and answers 501
     * for streaming and WebSocket routes; a streaming engine forwards both.
     *
     * @return whether proxied requests go through the buffered engine
     */
    protected boolean bufferedEngine() {
        return true;
    }

    /**
     * @return the scheme the upstream learns from {@code X-Forwarded-Proto} and {@code Forwarded}:
     *     how the client reached this runtime ({@code https} behind API Gateway)
     */
    protected String clientScheme() {
        return "http";
    }

    /**
     * Whether the runtime hands the gateway the query exactly as the client sent it. API Gateway's
     * payload 1.0 carries only decoded parameters, so a REST API runner answers {@code false} and
     * the suite then compares decoded values instead of the raw text.
     *
     * @return whether percent-encoding in the query reaches the gateway untouched
     */
    protected boolean rawQueryPreserved() {
        return true;
    }

    /**
     * Whether an encoded slash ({@code %2F}) in the path reaches the gateway still encoded. An HTTP
     * API (payload 2.0) decodes {@code rawPath} before it invokes the function, so its runner answers
     * {@code false} and the upstream then sees a plain {@code /}.
     *
     * @return whether {@code %2F} in the path survives the runtime's front door
     */
    protected boolean encodedSlashInPathPreserved() {
        return true;
    }

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> p = super.properties();
        p.put("gateway.proxy.max-buffered-body", 4096);
        // The documented option for upstreams that take %2F as data: percentEncodedTarget's
        // "encoded slash" case proves it (PathNormalisationContractTest proves the refusing default).
        p.put("gateway.path-normalisation.encoded-slash", "keep");
        p.put("gateway.proxy.max-request-body", 8192);
        p.put("gateway.upstreams.echo.targets", List.of(echo.url()));
        p.put("gateway.upstreams.second.targets", List.of(second.url()));
        String closed = "http://127.0.0.1:" + TestUpstream.closedPort();
        p.put("gateway.upstreams.closed.targets", List.of(closed));
        upstreamWithClosedFirst(p, "retry-pair", closed, retryLive);
        upstreamWithClosedFirst(p, "post-pair", closed, postLive);
        p.put("gateway.upstreams.ejecting.targets", List.of("http://127.0.0.1:" + TestUpstream.closedPort()));
        p.put("gateway.upstreams.ejecting.outlier-detection.consecutive-failures", 1);
        p.put("gateway.upstreams.ejecting.outlier-detection.ejection-time", "10m");
        p.put("gateway.upstreams.ejecting.circuit-breaker.enabled", false);
        resilient(p, "hanging", connectHangs.url());
        resilient(p, "hanging-then-live", connectHangs.url(), afterTimeout.url());
        resilient(p, "closing", closesWithoutAnswer.url());
        resilient(p, "statuses", statusA.url(), statusB.url());
        ejectingAtOnce(p, "lone-closed", "http://127.0.0.1:" + TestUpstream.closedPort());
        ejectingAtOnce(p, "lone-503", statusLone.url());

        // Pass-through and forwarding headers.
        route("pass", "/p/pass/**", "echo", Map.of("strip-prefix", true));
        route("host-upstream", "/p/host-up/**", "echo", Map.of("strip-prefix", true));
        route("host-preserve", "/p/host-keep/**", "echo", Map.of("strip-prefix", true, "host-header", "preserve"));
        route("host-literal", "/p/host-lit/**", "echo", Map.of("strip-prefix", true, "host-header", "internal.example"));

        // Matchers: each route rewrites to /served/<id> so the echo tells which one answered.
        served("m-catch-all", "/m/**", Map.of());
        served("m-exact", "/m/exact", Map.of());
        served("m-prefix", "/m/prefix/**", Map.of());
        route("m-template", "/m/t/{project}/{service}/**", "echo", Map.of("rewrite", "/served/m-template/{service}/{project}/{**}"));
        served("m-host-wildcard", "/m/host", Map.of("match.hosts", List.of("*.example.com")));
        served("m-host-exact", "/m/host-exact", Map.of("match.host", HOST));
        served("h-host-other", "/h/host-only", Map.of("match.hosts", List.of("admin.example.org")));
        served("m-methods-write", "/m/methods", Map.of("match.methods", List.of("POST", "PUT")));
        served("m-methods-any", "/m/methods", Map.of());
        served("m-methods-get", "/m/get-only", Map.of("match.methods", List.of("GET")));
        served("m-star", "/m/star/*/health", Map.of());
        served("m-header-exact", "/m/header", Map.of("match.headers.X-Tier", "gold"));
        served("m-header-regex", "/m/header", Map.of("match.headers.X-Tier", "~pl[a-z]+um"));
        served("m-header-present", "/m/header", Map.of("match.headers.X-Canary", "*"));
        served("m-header-none", "/m/header", Map.of());
        served("m-query-v2", "/m/query", Map.of("match.query.version", "2"));
        served("m-query-present", "/m/query", Map.of("match.query.debug", "*"));
        served("m-query-none", "/m/query", Map.of());
        served("m-specific-low", "/m/explicit/deep/**", Map.of());
        served("m-explicit-high", "/m/explicit/**", Map.of("priority", 10));

        // Rewrites.
        route("r-strip", "/r/strip/**", "echo", Map.of("strip-prefix", true));
        route("r-segments", "/r/seg/**", "echo", Map.of("strip-prefix", 2));
        route("r-template", "/r/tpl/{id}/**", "echo", Map.of("rewrite", "/items/{id}/{**}"));
        route("r-regex", "/r/re/**", "echo", Map.of("rewrite.regex", "^/r/re/(.*)$", "rewrite.replacement", "/v2/$1"));
        route("r-none", "/r/keep/**", "second", Map.of());
        // A tenant's route: GET /v1/services lists it to that tenant's administrators only.
        route("tenant-owned", "/t/owned/**", "echo", Map.of("auth", "jwt", "tenant", "acme"));

        // Failures and retries.
        route("f-closed", "/f/closed/**", "closed", Map.of("retries", 0));
        route("f-slow", "/f/slow/**", "echo", Map.of("strip-prefix", true, "timeouts.response", "300ms"));
        route("f-eject", "/f/eject/**", "ejecting", Map.of("retries", 0));
        route("f-retry", "/f/retry/**", "retry-pair", Map.of("strip-prefix", true, "retries.attempts", 1,
            "retries.backoff", "10ms"));
        route("f-no-retry", "/f/no-retry/**", "post-pair", Map.of("strip-prefix", true, "retries.attempts", 1,
            "retries.backoff", "10ms"));
        route("t-connect", "/t/connect/**", "hanging", Map.of("retries", 0, "timeouts.connect", "300ms"));
        route("t-connect-retry", "/t/connect-retry/**", "hanging-then-live", Map.of("strip-prefix", true,
            "timeouts.connect", "300ms", "retries.attempts", 1, "retries.backoff", "10ms"));
        // The head comes at once: 1.5 s leaves the streaming engine ample time to relay it before its idle timeout.
        route("t-body", "/t/body/**", "echo", Map.of("strip-prefix", true, "timeouts.response", "1500ms", "timeouts.idle", "500ms"));
        route("f-closes", "/f/closes/**", "closing", Map.of("retries", 0));
        route("r-status", "/r/status/**", "statuses", Map.of("strip-prefix", true, "retries.attempts", 1,
            "retries.backoff", "10ms", "retries.on-statuses", List.of(503)));
        route("r-backoff", "/r/backoff/**", "statuses", Map.of("strip-prefix", true, "retries.attempts", 4,
            "retries.backoff", "100ms", "retries.max-backoff", "200ms", "retries.on-statuses", List.of(503)));
        route("r-lone-closed", "/r/lone-closed/**", "lone-closed", Map.of("strip-prefix", true, "retries.attempts", 1,
            "retries.backoff", "10ms"));
        route("r-lone-503", "/r/lone-503/**", "lone-503", Map.of("strip-prefix", true, "retries.attempts", 1,
            "retries.backoff", "10ms", "retries.on-statuses", List.of(503)));
        route("s-streaming", "/s/stream/**", "echo", Map.of("streaming", true));
        route("s-websocket", "/s/ws/**", "echo", Map.of("websocket", true));

        for (int i = 0; i < routes.size(); i++) {
            for (Map.Entry<String, Object> entry : routes.get(i).entrySet()) {
                p.put("gateway.routes[" + i + "]." + entry.getKey(), entry.getValue());
            }
        }
        return p;
    }

    private static void upstreamWithClosedFirst(Map<String, Object> p, String name, String closed, EchoUpstream live) {
        resilient(p, name, closed, live.url());
    }

    /** A one-target upstream whose first failure ejects the target, without a circuit breaker. */
    private static void ejectingAtOnce(Map<String, Object> p, String name, String target) {
        p.put("gateway.upstreams." + name + ".targets", List.of(target));
        p.put("gateway.upstreams." + name + ".outlier-detection.consecutive-failures", 1);
        p.put("gateway.upstreams." + name + ".outlier-detection.ejection-time", "10m");
        p.put("gateway.upstreams." + name + ".circuit-breaker.enabled", false);
    }

    /** A round-robin upstream whose failures neither eject a target nor open a circuit. */
    private static void resilient(Map<String, Object> p, String name, String... targets) {
        p.put("gateway.upstreams." + name + ".targets", List.of(targets));
        p.put("gateway.upstreams." + name + ".load-balancer", "round-robin");
        p.put("gateway.upstreams." + name + ".outlier-detection.consecutive-failures", 0);
        p.put("gateway.upstreams." + name + ".circuit-breaker.enabled", false);
    }

    private void route(String id, String path, String upstream, Map<String, Object> extra) {
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("id", id);
        route.put("match.path", path);
        route.put("upstream", upstream);
        route.putAll(extra);
        routes.add(route);
    }

    private void served(String id, String path, Map<String, Object> extra) {
        Map<String, Object> all = new LinkedHashMap<>(extra);
        all.put("rewrite", "/served/" + id);
        route(id, path, "echo", all);
    }

    @AfterAll
    void stopUpstreams() {
        echo.close();
        second.close();
        retryLive.close();
        postLive.close();
        afterTimeout.close();
        statusA.close();
        statusB.close();
        statusLone.close();
        connectHangs.close();
        closesWithoutAnswer.close();
    }

    private ContractResponse sendHost(ContractRequest request) {
        return send(request.header("Host", HOST));
    }

    private static JsonNode echoed(ContractResponse response) {
        assertEquals(200, response.status(), response.text());
        return response.json();
    }

    private static String header(JsonNode echo, String name) {
        JsonNode values = echo.get("headers").get(name);
        return values == null || values.size() == 0 ? null : values.get(0).getStringValue();
    }

    private static List<String> headers(JsonNode echo, String name) {
        JsonNode values = echo.get("headers").get(name);
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (int i = 0; i < values.size(); i++) {
                out.add(values.get(i).getStringValue());
            }
        }
        return out;
    }

    // --- pass-through -------------------------------------------------------------------------

    static Stream<Arguments> upstreamStatuses() {
        return Stream.of(
            Arguments.of("200 ok", 200),
            Arguments.of("201 created with JSON", 201),
            Arguments.of("404 from the upstream", 404),
            Arguments.of("500 from the upstream", 500),
            Arguments.of("503 from the upstream", 503));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upstreamStatuses")
    void upstreamStatus_thenPassedThroughUnchanged(String name, int status) {
        ContractResponse response = send(ContractRequest.get("/p/pass/status/" + status));
        assertEquals(status, response.status(), response.text());
        assertEquals("application/json", response.mediaType());
        assertEquals("{\"status\":" + status + ",\"from\":\"echo\"}", response.text(), "the upstream's body, not an envelope");
        assertEquals("echo", response.header("X-Upstream").orElse(null));
        assertTrue(response.header("X-Request-ID").isPresent(), "the gateway still stamps its headers");
    }

    @Test
    void postWithBody_thenMethodBodyAndRawQueryForwarded() {
        String json = "{\"name\":\"Zoë\",\"count\":3}";
        ContractResponse response = send(ContractRequest.of("POST", "/p/pass/orders/7?b=2&a=1&a=3")
            .body("application/json", json));
        JsonNode echo = echoed(response);
        assertEquals("POST", echo.get("method").getStringValue());
        assertEquals("/orders/7", echo.get("path").getStringValue());
        assertEquals("b=2&a=1&a=3", echo.get("query").getStringValue(), "order and repetition kept");
        assertEquals(json, echo.get("body").getStringValue());
        assertEquals(String.valueOf(json.getBytes(StandardCharsets.UTF_8).length), header(echo, "content-length"));
        assertEquals("application/json", header(echo, "content-type"));
    }

    @Test
    void percentEncodedQuery_thenForwardedRaw() {
        String query = "q=x%20y&path=%2Fa%2Fb&amp=%26&plus=1%2B1";
        String forwarded = echoed(send(ContractRequest.get("/p/pass/search?" + query))).get("query").getStringValue();
        if (rawQueryPreserved()) {
            assertEquals(query, forwarded);
        } else {
            assertEquals(decode(query), decode(forwarded), "the same parameters, re-encoded: " + forwarded);
        }
    }

    private static Map<String, List<String>> decode(String query) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    @Test
    void putAndDelete_thenMethodForwarded() {
        assertEquals("PUT", echoed(send(ContractRequest.of("PUT", "/p/pass/x").body("text/plain", "v")))
            .get("method").getStringValue());
        assertEquals("DELETE", echoed(send(ContractRequest.of("DELETE", "/p/pass/x"))).get("method").getStringValue());
    }

    @Test
    void binaryBody_thenForwardedByteForByte() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        JsonNode echo = echoed(send(ContractRequest.of("POST", "/p/pass/upload").body("application/octet-stream", bytes)));
        assertEquals(java.util.Base64.getEncoder().encodeToString(bytes), echo.get("body_base64").getStringValue());

        assertEquals("256", header(echo, "content-length"));
    }

    // --- repeated headers, cookies, binary responses, encoded paths ------------------------------

    @Test
    void upstreamRepeatsSetCookie_thenClientGetsEachCookieWhole() {
        ContractResponse response = send(ContractRequest.get("/p/pass/repeated"));
        assertEquals(200, response.status(), response.text());
        assertEquals(EchoUpstream.SET_COOKIES, response.setCookies(), "one Set-Cookie per cookie, the comma of Expires intact");
    }

    @Test
    void upstreamRepeatsLinkAndVary_thenClientGetsEveryValueInOrder() {
        ContractResponse response = send(ContractRequest.get("/p/pass/repeated"));
        assertEquals(200, response.status(), response.text());
        assertEquals(EchoUpstream.LINKS, split(response.headers().get("link"), ","));
        assertEquals(EchoUpstream.VARY, split(response.headers().get("vary"), ","));
    }

    static Stream<Arguments> binaryResponses() {
        return Stream.of(
            Arguments.of("image/png", "/p/pass/png", EchoUpstream.PNG),
            Arguments.of("application/pdf", "/p/pass/bytes", EchoUpstream.BYTES));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryResponses")
    void upstreamAnswersBinary_thenClientGetsTheExactBytes(String type, String path, byte[] bytes) {
        ContractResponse response = send(ContractRequest.get(path));
        assertEquals(200, response.status(), response.text());
        assertEquals(type, response.mediaType());
        assertEquals(HexFormat.of().formatHex(bytes), HexFormat.of().formatHex(response.body()));
        response.header("Content-Length").ifPresent(length -> assertEquals(String.valueOf(bytes.length), length));
    }

    @Test
    void repeatedRequestHeadersAndCookies_thenUpstreamGetsEveryValue() {
        JsonNode echo = echoed(send(ContractRequest.get("/p/pass/repeat").header("X-Tag", "a").header("X-Tag", "b")
            .cookie("a=1").cookie("b=2")));
        assertEquals(List.of("a", "b"), split(headers(echo, "x-tag"), ","));
        assertEquals(List.of("a=1", "b=2"), split(headers(echo, "cookie"), ";"));
    }

    static Stream<Arguments> encodedTargets() {
        return Stream.of(
            Arguments.of("space as %20", "/p/pass/files/a%20b", "/files/a%20b", ""),
            Arguments.of("plus in a path is a plus", "/p/pass/files/a+b", "/files/a+b", ""),
            Arguments.of("UTF-8", "/p/pass/files/%E2%82%AC", "/files/%E2%82%AC", ""),
            Arguments.of("encoded percent", "/p/pass/files/100%25", "/files/100%25", ""),
            Arguments.of("encoded slash", "/p/pass/files/a%2Fb", "/files/a%2Fb", ""),
            Arguments.of("repeated and encoded query", "/p/pass/q?tag=a&tag=b%2Cc&q=x+y&s=%2F&e=%E2%82%AC", "/q",
                "tag=a&tag=b%2Cc&q=x+y&s=%2F&e=%E2%82%AC"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodedTargets")
    void percentEncodedTarget_thenUpstreamGetsItEncodedOnce(String name, String target, String path, String query) {
        JsonNode echo = echoed(send(ContractRequest.get(target)));
        String expected = encodedSlashInPathPreserved() ? path : path.replace("%2F", "/");
        assertEquals(expected, echo.get("path").getStringValue());
        String forwarded = echo.get("query").getStringValue();
        if (rawQueryPreserved() || query.isEmpty()) {
            assertEquals(query, forwarded);
        } else {
            assertEquals(decode(query), decode(forwarded), "the same parameters, re-encoded: " + forwarded);
        }
    }

    /** Every value of a header, received on one line or several, split at the separator. */
    private static List<String> split(List<String> values, String separator) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                for (String part : value.split(separator)) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void bodyAboveBufferLimit_then413EnvelopeWhenBuffered() {
        int before = echo.requests();
        String body = "x".repeat(5000);
        ContractResponse response = send(ContractRequest.of("POST", "/p/pass/upload").body("text/plain", body));
        if (bufferedEngine()) {
            assertEnvelope(response, 413, "payload_too_large");
            assertEquals(before, echo.requests(), "the upstream never saw it");
        } else {
            assertEquals(body, echoed(response).get("body").getStringValue(), "a streaming engine has no buffer limit");
        }
    }

    @Test
    void bodyAboveRequestBodyLimit_then413OnEveryEngine() {
        int before = echo.requests();
        ContractResponse response = send(ContractRequest.of("POST", "/p/pass/upload").body("text/plain", "x".repeat(9000)));
        JsonNode error = assertEnvelope(response, 413, "payload_too_large");
        // A buffering engine applies the smaller of max-request-body and max-buffered-body.
        assertEquals(bufferedEngine() ? 4096 : 8192, error.get("details").get("limit_bytes").getIntValue());
        assertEquals(before, echo.requests(), "the upstream never saw it");
    }

    // --- forwarding headers -------------------------------------------------------------------

    @Test
    void anyRequest_thenForwardedHeadersDescribeTheClient() {
        ContractResponse response = sendHost(ContractRequest.get("/p/pass/hello"));
        JsonNode echo = echoed(response);
        String forwardedFor = header(echo, "x-forwarded-for");
        assertNotNull(forwardedFor);
        String[] hops = forwardedFor.split(",");
        String client = hops[hops.length - 1].trim();
        assertTrue(IP.matcher(client).matches(), "an address literal: " + forwardedFor);
        expectedClientAddress().ifPresent(expected -> assertEquals(expected, client, forwardedFor));
        assertEquals(clientScheme(), header(echo, "x-forwarded-proto"));
        assertEquals(HOST, header(echo, "x-forwarded-host"));
        assertEquals("/p/pass", header(echo, "x-forwarded-prefix"));
        String forwarded = header(echo, "forwarded");
        assertNotNull(forwarded);
        String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
        String expectedFor = client.contains(":") ? "for=\"[" + client + "]\"" : "for=" + client;
        assertEquals(expectedFor + ";proto=" + clientScheme() + ";host=" + HOST, last);
    }

    @Test
    void untrustedForwardedForForwardedAndRealIp_thenReplacedByTheClientHop() {
        JsonNode echo = echoed(sendHost(ContractRequest.get("/p/pass/hello")
            .header("X-Forwarded-For", "198.51.100.9").header("Forwarded", "for=198.51.100.9;proto=https")
            .header("X-Real-IP", "198.51.100.9")));
        String realIp = header(echo, "x-real-ip");
        assertTrue(IP.matcher(realIp).matches() && !realIp.equals("198.51.100.9"), "the client's address: " + realIp);
        expectedClientAddress().ifPresent(expected -> assertEquals(expected, realIp));
        String forwardedFor = header(echo, "x-forwarded-for");
        assertFalse(forwardedFor.contains("198.51.100.9"), forwardedFor);
        assertFalse(forwardedFor.contains(","), "one hop only: " + forwardedFor);
        expectedClientAddress().ifPresent(expected -> assertEquals(expected, forwardedFor));
        String forwarded = header(echo, "forwarded");
        assertFalse(forwarded.contains("198.51.100.9"), forwarded);
        assertTrue(forwarded.startsWith("for=") && !forwarded.contains(","), forwarded);
    }

    @Test
    void untrustedForwardedProtoAndHost_thenReplaced() {
        JsonNode echo = echoed(sendHost(ContractRequest.get("/p/pass/hello")
            .header("X-Forwarded-Host", "evil.example").header("X-Forwarded-Prefix", "/evil")));
        assertEquals(HOST, header(echo, "x-forwarded-host"));
        assertEquals("/p/pass", header(echo, "x-forwarded-prefix"));
    }

    @Test
    void requestId_thenForwardedAndEchoed() {
        ContractResponse given = send(ContractRequest.get("/p/pass/id").header("X-Request-ID", "proxy-req-42"));
        assertEquals("proxy-req-42", header(echoed(given), "x-request-id"));
        assertEquals("proxy-req-42", given.header("X-Request-ID").orElse(null));
        ContractResponse generated = send(ContractRequest.get("/p/pass/id"));
        assertEquals(generated.header("X-Request-ID").orElseThrow(), header(echoed(generated), "x-request-id"));
    }

    @Test
    void traceparent_thenPassedThrough() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        JsonNode echo = echoed(send(ContractRequest.get("/p/pass/trace").header("traceparent", traceparent)
            .header("tracestate", "vendor=1")));
        assertEquals(traceparent, header(echo, "traceparent"));
        assertEquals("vendor=1", header(echo, "tracestate"));
    }

    static Stream<Arguments> hostPolicies() {
        return Stream.of(
            Arguments.of("upstream (default): the target's authority", "/p/host-up/x", null),
            Arguments.of("preserve: the client's Host", "/p/host-keep/x", HOST),
            Arguments.of("literal", "/p/host-lit/x", "internal.example"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostPolicies")
    void hostHeaderPolicy_thenUpstreamSeesIt(String name, String path, String expected) {
        JsonNode echo = echoed(sendHost(ContractRequest.get(path)));
        assertEquals(expected == null ? this.echo.authority() : expected, header(echo, "host"));
    }

    @Test
    void hopByHopRequestHeaders_thenNotForwarded() {
        JsonNode echo = echoed(send(ContractRequest.get("/p/pass/hop-request")
            .header("Connection", "keep-alive, X-Secret")
            .header("X-Secret", "do-not-forward")
            .header("Keep-Alive", "timeout=5")
            .header("Proxy-Authorization", "Basic Zm9vOmJhcg==")
            .header("Proxy-Connection", "keep-alive")
            .header("TE", "trailers")
            .header("Trailer", "X-Checksum")
            .header("Upgrade", "foo/2")
            .header("X-Ordinary", "forwarded")));
        assertEquals("forwarded", header(echo, "x-ordinary"));
        for (String name : List.of("x-secret", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer", "upgrade")) {
            assertTrue(headers(echo, name).isEmpty(), name + " must not be forwarded: " + headers(echo, name));
        }
        List<String> connection = headers(echo, "connection");
        assertTrue(connection.stream().noneMatch(v -> v.toLowerCase().contains("x-secret")), connection.toString());
    }

    @Test
    void hopByHopResponseHeaders_thenRemoved() {
        ContractResponse response = send(ContractRequest.get("/p/pass/hop"));
        assertEquals(200, response.status());
        assertEquals("hop", response.text());
        assertEquals("yes", response.header("X-Kept").orElse(null));
        for (String name : List.of("Keep-Alive", "Proxy-Authenticate", "X-Upstream-Secret")) {
            assertTrue(response.header(name).isEmpty(), name + " must not reach the client");
        }
    }

    // --- matchers and priority ------------------------------------------------------------------

    static Stream<Arguments> matchers() {
        return Stream.of(
            Arguments.of("exact path", ContractRequest.get("/m/exact"), "/served/m-exact"),
            Arguments.of("exact path does not match longer paths", ContractRequest.get("/m/exact/more"), "/served/m-catch-all"),
            Arguments.of("prefix", ContractRequest.get("/m/prefix/a/b"), "/served/m-prefix"),
            Arguments.of("prefix matches the prefix itself", ContractRequest.get("/m/prefix"), "/served/m-prefix"),
            Arguments.of("template variables", ContractRequest.get("/m/t/alpha/users/list/1"), "/served/m-template/users/alpha/list/1"),
            Arguments.of("host wildcard", ContractRequest.get("/m/host").header("Host", HOST), "/served/m-host-wildcard"),
            Arguments.of("host exact", ContractRequest.get("/m/host-exact").header("Host", HOST), "/served/m-host-exact"),
            Arguments.of("method listed", ContractRequest.of("POST", "/m/methods").body("text/plain", "x"), "/served/m-methods-write"),
            Arguments.of("method not listed", ContractRequest.get("/m/methods"), "/served/m-methods-any"),
            Arguments.of("method not listed, no other route", ContractRequest.of("DELETE", "/m/get-only"), "/served/m-catch-all"),
            Arguments.of("* matches one segment", ContractRequest.get("/m/star/v2/health"), "/served/m-star"),
            Arguments.of("* does not match two", ContractRequest.get("/m/star/v2/x/health"), "/served/m-catch-all"),
            Arguments.of("header exact", ContractRequest.get("/m/header").header("X-Tier", "gold"), "/served/m-header-exact"),
            Arguments.of("header regex", ContractRequest.get("/m/header").header("X-Tier", "platinum"), "/served/m-header-regex"),
            Arguments.of("header regex must match whole value", ContractRequest.get("/m/header").header("X-Tier", "platinum+"), "/served/m-header-none"),
            Arguments.of("header presence", ContractRequest.get("/m/header").header("X-Canary", "1"), "/served/m-header-present"),
            Arguments.of("no header", ContractRequest.get("/m/header"), "/served/m-header-none"),
            Arguments.of("query exact", ContractRequest.get("/m/query?version=2"), "/served/m-query-v2"),
            Arguments.of("query other value", ContractRequest.get("/m/query?version=3"), "/served/m-query-none"),
            Arguments.of("query presence", ContractRequest.get("/m/query?debug"), "/served/m-query-present"),
            Arguments.of("catch-all loses to a specific route", ContractRequest.get("/m/elsewhere"), "/served/m-catch-all"),
            Arguments.of("explicit priority beats specificity", ContractRequest.get("/m/explicit/deep/x"), "/served/m-explicit-high"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matchers")
    void matcher_thenRouteChosen(String name, ContractRequest request, String upstreamPath) {
        JsonNode echo = echoed(send(request));
        assertEquals(upstreamPath, echo.get("path").getStringValue());
    }

    @Test
    void headOnAGetRoute_thenMatched() {
        ContractResponse response = send(ContractRequest.of("HEAD", "/m/get-only"));
        assertEquals(200, response.status());
        assertEquals("/served/m-methods-get", response.header("X-Echo-Path").orElse(null), "methods: [GET] also matches HEAD");
    }

    @Test
    void hostNotListed_thenNoRouteAnd404() {
        assertEnvelope(sendHost(ContractRequest.get("/h/host-only")), 404, "not_found");
    }

    @Test
    void gatewayEndpoint_thenNotProxiedEvenUnderACatchAll() {
        ContractResponse response = send(ContractRequest.get("/ping"));
        assertEquals(200, response.status());
        assertEquals("OK", response.text());
    }

    // --- rewrites -------------------------------------------------------------------------------

    static Stream<Arguments> rewrites() {
        return Stream.of(
            Arguments.of("strip-prefix", "/r/strip/x/y?k=v", "/x/y", "k=v"),
            Arguments.of("strip-prefix of the prefix alone", "/r/strip", "/", ""),
            Arguments.of("strip two segments", "/r/seg/x/y", "/x/y", ""),
            Arguments.of("template", "/r/tpl/42/detail/more", "/items/42/detail/more", ""),
            Arguments.of("regex", "/r/re/a/b", "/v2/a/b", ""),
            Arguments.of("none", "/r/keep/a", "/r/keep/a", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rewrites")
    void rewrite_thenUpstreamPath(String name, String target, String path, String query) {
        JsonNode echo = echoed(send(ContractRequest.get(target)));
        assertEquals(path, echo.get("path").getStringValue());
        assertEquals(query, echo.get("query").getStringValue());
    }

    @Test
    void stripSegments_thenPrefixAnnounced() {
        assertEquals("/r/seg", header(echoed(send(ContractRequest.get("/r/seg/x/y"))), "x-forwarded-prefix"));
    }

    // --- failures -------------------------------------------------------------------------------

    @Test
    void targetPortClosed_then502Envelope() {
        ContractResponse response = send(ContractRequest.get("/f/closed/x"));
        assertEnvelope(response, 502, "bad_gateway");
        JsonNode details = response.json().get("error").get("details");
        assertEquals("f-closed", details.get("route").getStringValue());
        assertEquals("closed", details.get("upstream").getStringValue());
    }

    @Test
    void upstreamStallsBeyondResponseTimeout_then504Envelope() {
        ContractResponse response = send(ContractRequest.get("/f/slow/stall"));
        assertEnvelope(response, 504, "gateway_timeout");
        JsonNode details = response.json().get("error").get("details");
        assertEquals("f-slow", details.get("route").getStringValue());
        assertEquals("response", details.get("timeout").getStringValue());
    }

    @Test
    void onlyTargetEjectedAfterFailure_then503WithRetryAfter() {
        assertEnvelope(send(ContractRequest.get("/f/eject/x")), 502, "bad_gateway");
        ContractResponse response = send(ContractRequest.get("/f/eject/x"));
        JsonNode details = assertEnvelope(response, 503, "service_unavailable").get("details");
        assertEquals("no_healthy_target", details.get("reason").getStringValue());
        assertEquals("ejecting", details.get("upstream").getStringValue());
        long retryAfter = Long.parseLong(response.header("Retry-After").orElseThrow());
        assertTrue(retryAfter > 0 && retryAfter <= 600, "Retry-After " + retryAfter + ": the rest of the 10m ejection");
        assertEquals(retryAfter, details.get("retry_after_seconds").getLongValue());
    }

    @Test
    void upstreamClosesWithoutAnswer_then502Envelope() {
        JsonNode details = assertEnvelope(send(ContractRequest.get("/f/closes/x")), 502, "bad_gateway").get("details");
        assertEquals("f-closes", details.get("route").getStringValue());
        assertEquals("closing", details.get("upstream").getStringValue());
    }

    @Test
    void connectNotAcceptedWithinConnectTimeout_then504Envelope() {
        JsonNode details = assertEnvelope(send(ContractRequest.get("/t/connect/x")), 504, "gateway_timeout").get("details");
        assertEquals("t-connect", details.get("route").getStringValue());
        assertEquals("hanging", details.get("upstream").getStringValue());
        assertEquals("connect", details.get("timeout").getStringValue());
    }

    @Test
    void bodyStopsHalfWay_thenIdleTimeoutCutsTheStreamOrResponseTimeoutAnswers504() {
        ContractRequest request = ContractRequest.get("/t/body/trickle");
        if (bufferedEngine()) {
            // The buffered engine holds the whole response, so its response timeout bounds the body too.
            JsonNode details = assertEnvelope(send(request), 504, "gateway_timeout").get("details");
            assertEquals("t-body", details.get("route").getStringValue());
            assertEquals("response", details.get("timeout").getStringValue());
        } else {
            // The head went out at once; the idle timeout then closes the connection mid-body.
            assertThrows(UncheckedIOException.class, () -> send(request));
        }
    }

    static Stream<Arguments> retryMethods() {
        return Stream.of(
            Arguments.of("GET", true),
            Arguments.of("HEAD", true),
            Arguments.of("OPTIONS", true),
            Arguments.of("PUT", true),
            Arguments.of("DELETE", true),
            Arguments.of("POST", false),
            Arguments.of("PATCH", false));
    }

    @ParameterizedTest(name = "{0} retried: {1}")
    @MethodSource("retryMethods")
    void statusInOnStatuses_thenRetriedOnlyForIdempotentMethods(String method, boolean retried) {
        int before = statusA.requests() + statusB.requests();
        ContractRequest request = ContractRequest.of(method, "/r/status/status/503");
        if (List.of("PUT", "POST", "PATCH").contains(method)) {
            request = request.body("text/plain", "payload");
        }
        ContractResponse response = send(request);
        assertEquals(503, response.status(), "the last upstream answer passes through: " + response.text());
        assertEquals(retried ? 2 : 1, statusA.requests() + statusB.requests() - before);
    }

    @Test
    void retryFindsNoTargetAfterAConnectFailure_thenThe502OfThatFailure() {
        // The failure ejects the only target, so the retry has nowhere to go: the client learns what
        // went wrong, not that the upstream has no target left.
        JsonNode details = assertEnvelope(send(ContractRequest.get("/r/lone-closed/x")), 502, "bad_gateway").get("details");
        assertEquals("r-lone-closed", details.get("route").getStringValue());
    }

    @Test
    void retryFindsNoTargetAfterARetryableStatus_thenThatUpstreamResponse() {
        int before = statusLone.requests();
        ContractResponse response = send(ContractRequest.get("/r/lone-503/status/503"));
        assertEquals(503, response.status(), response.text());
        assertEquals("{\"status\":503,\"from\":\"status-lone\"}", response.text(), "the upstream's answer, not an envelope");
        assertEquals(1, statusLone.requests() - before);
    }

    @Test
    void retries_thenBackoffDoublesUpToMaxBackoff() {
        long start = System.nanoTime();
        ContractResponse response = send(ContractRequest.get("/r/backoff/status/503"));
        assertEquals(503, response.status(), response.text());
        List<Long> arrivals = Stream.concat(statusA.arrivals().stream(), statusB.arrivals().stream())
            .map(EchoUpstream.Arrival::nanos)
            .filter(nanos -> nanos >= start)
            .sorted()
            .toList();
        assertEquals(5, arrivals.size(), "the first try and 4 retries");
        List<Long> gapsMillis = new ArrayList<>();
        for (int i = 1; i < arrivals.size(); i++) {
            gapsMillis.add((arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000);
        }
        // backoff 100ms doubled each time (100, 200, 400, 800) but capped by max-backoff 200ms.
        List<Long> least = List.of(100L, 200L, 200L, 200L);
        for (int i = 0; i < least.size(); i++) {
            assertTrue(gapsMillis.get(i) >= least.get(i), "retry " + (i + 1) + " waited at least " + least.get(i) + " ms: " + gapsMillis);
        }
        assertTrue(gapsMillis.get(3) < 800, "max-backoff caps the fourth wait well below the uncapped 800 ms: " + gapsMillis);
    }

    Stream<Arguments> connectFailures() {
        return Stream.of(
            Arguments.of("connection refused", "/f/retry/x", retryLive),
            Arguments.of("connect timeout", "/t/connect-retry/x", afterTimeout));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectFailures")
    void getOnConnectFailure_thenRetriedOnTheOtherTarget(String name, String path, EchoUpstream live) {
        int before = live.requests();
        // Round robin over two targets: of two requests, at least one goes to the broken target first.
        for (int i = 0; i < 2; i++) {
            ContractResponse response = send(ContractRequest.get(path));
            assertEquals(200, response.status(), response.text());
            assertEquals(live.name(), response.json().get("upstream").getStringValue());
        }
        assertEquals(2, live.requests() - before);
    }

    @Test
    void postOnConnectFailure_thenNotRetried() {
        int before = postLive.requests();
        Set<Integer> statuses = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(send(ContractRequest.of("POST", "/f/no-retry/x").body("text/plain", "once")).status());
        }
        assertEquals(Set.of(200, 502), statuses, "round robin sent some POSTs to the closed target, and they failed");
        int reached = postLive.requests() - before;
        assertTrue(reached > 0 && reached < 4, "only the POSTs sent to the live target reached it: " + reached);
    }

    static Stream<Arguments> containerOnlyRoutes() {
        return Stream.of(
            Arguments.of("streaming", "/s/stream/events", "s-streaming"),
            Arguments.of("websocket", "/s/ws/socket", "s-websocket"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containerOnlyRoutes")
    void containerOnlyRoute_then501EnvelopeWhenBuffered(String name, String path, String route) {
        ContractResponse response = send(ContractRequest.get(path));
        if (!bufferedEngine()) {
            assertEquals(200, response.status(), "a plain GET on a " + name + " route is proxied: " + response.text());
            return;
        }
        assertEnvelope(response, 501, "not_implemented");
        JsonNode error = response.json().get("error");
        assertTrue(error.get("message").getStringValue().contains("container"), error.get("message").getStringValue());
        assertEquals(route, error.get("details").get("route").getStringValue());
    }

    // --- GET /v1/services -----------------------------------------------------------------------

    @Test
    void services_thenRoutesAndLiveTargets() {
        send(ContractRequest.get("/p/pass/warm-up"));
        ContractResponse response = send(ContractRequest.get("/v1/services"));
        assertEquals(200, response.status(), response.text());
        JsonNode body = response.json();
        JsonNode routesNode = body.get("routes");
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (int i = 0; i < routesNode.size(); i++) {
            byId.put(routesNode.get(i).get("id").getStringValue(), routesNode.get(i));
        }
        assertEquals(routes.size() - 1, byId.size());
        assertFalse(byId.containsKey("tenant-owned"), "a tenant's route is not listed to a caller without an admin credential");
        JsonNode pass = byId.get("pass");
        assertEquals("/p/pass/**", pass.get("match").get("path").getStringValue());
        assertEquals("echo", pass.get("upstream").getStringValue());
        assertEquals(0, pass.get("match").get("hosts").size(), "an empty list, not a missing field");
        assertFalse(pass.get("streaming").getBooleanValue());
        assertTrue(pass.get("source").getStringValue().startsWith("application configuration"), pass.get("source").getStringValue());
        assertTrue(byId.get("s-streaming").get("streaming").getBooleanValue());
        assertTrue(byId.get("s-websocket").get("websocket").getBooleanValue());
        assertEquals("gold", byId.get("m-header-exact").get("match").get("headers").get("x-tier").getStringValue());

        JsonNode upstreams = body.get("upstreams");
        JsonNode echoUpstream = null;
        for (int i = 0; i < upstreams.size(); i++) {
            if ("echo".equals(upstreams.get(i).get("name").getStringValue())) {
                echoUpstream = upstreams.get(i);
            }
        }
        assertNotNull(echoUpstream, upstreams.toString());
        assertTrue(Set.of("closed", "open", "half_open", "disabled").contains(echoUpstream.get("circuit_state").getStringValue()));
        JsonNode target = echoUpstream.get("targets").get(0);
        assertEquals(echo.url(), target.get("url").getStringValue());
        assertEquals("healthy", target.get("status").getStringValue());
        assertEquals(0, target.get("outstanding").getIntValue(), "every finished call released its target");
    }

    @Test
    void openApiDocument_thenServicesEndpointDescribed() {
        ContractResponse response = send(ContractRequest.get("/v1/openapi.json"));
        assertEquals(200, response.status());
        JsonNode services = response.json().get("paths").get("/v1/services");
        assertNotNull(services, "GET /v1/services is in the OpenAPI document");
        assertNotNull(services.get("get"));
    }

    @Test
    void servicesWithWrongMethod_then405Envelope() {
        assertEnvelope(send(ContractRequest.of("POST", "/v1/services").body("application/json", "{}")), 405, "method_not_allowed");
    }
}
