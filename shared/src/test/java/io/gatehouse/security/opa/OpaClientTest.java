package io.gatehouse.security.opa;

import com.nimbusds.jose.JWSAlgorithm;
import io.gatehouse.config.DefinitionException;
import io.gatehouse.definition.GatewayDefinition;
import io.gatehouse.error.GatewayException;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.route.RouteTable;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.security.RouteAccess;
import io.gatehouse.testing.DecisionServer;
import io.gatehouse.testing.DecisionServer.Answer;
import io.gatehouse.testing.TestRequest;
import io.gatehouse.testing.TestTokens;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OpaClient} through {@link RouteAccess#checkAsync} against a real decision server on
 * loopback ({@link DecisionServer}): every kind of answer with the route failing closed and open,
 * an unreachable and an unconfigured service, the input document it is shown with credentials
 * redacted (by default, by configured lists, or not at all when the gateway or the route forwards
 * them), and that nothing waits on the caller's thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpaClientTest {

    private static final String ROUTES = """
        upstreams:
          svc: { targets: ["http://127.0.0.1:9"] }
        routes:
          - id: closed
            match: { path: "/closed/{project}/**" }
            upstream: svc
            auth: jwt
            claims: { forward: { sub: X-User-Id } }
            authorization: { opa: test/decide }
          - id: open
            match: { path: "/open/**" }
            upstream: svc
            auth: jwt
            authorization: { opa: { path: test/decide, failure-mode-allow: true } }
          - id: anonymous
            match: { path: "/anonymous/**" }
            upstream: svc
            auth: none
            authorization: { opa: test/decide }
          - id: keep
            match: { path: "/keep/**" }
            upstream: svc
            auth: jwt
            authorization: { opa: { path: test/decide, forward-credentials: false } }
          - id: give
            match: { path: "/give/**" }
            upstream: svc
            auth: jwt
            authorization: { opa: { path: test/decide, forward-credentials: true } }
          - id: strict
            match: { path: "/strict/**" }
            upstream: svc
            auth: jwt
            authorization: { opa: { path: test/decide, failure-mode-allow: false } }
        """;

    private final DecisionServer decisions = DecisionServer.start()
        .policy("test/decide", OpaClientTest::byCase);
    private final ApplicationContext context = context(decisions.url(), false);
    private final ApplicationContext unreachable = context("http://127.0.0.1:" + TestUpstream.closedPort(), true);
    private final ApplicationContext unconfigured = context("", true);
    // Started when the redaction cases need them, not beside the timing-sensitive cases above.
    private final Map<String, ApplicationContext> redactionContexts = new HashMap<>();
    private final GatewayDefinition definition = GatewayDefinition.of(List.of(new GatewayDefinition.Source("routes.yml",
        new Yaml().load(ROUTES))));
    private final RouteTable table = new RouteTable(1, definition.routes(), definition.upstreams());

    private static ApplicationContext context(String url, boolean failureModeAllow) {
        return context(url, failureModeAllow, Map.of());
    }

    private static ApplicationContext context(String url, boolean failureModeAllow, Map<String, Object> more) {
        Map<String, Object> properties = new HashMap<>(Map.of(
            "gateway.jwt.secret", TestTokens.SECRET,
            "gateway.opa.url", url,
            "gateway.opa.timeout", "1000ms",
            "gateway.opa.failure-mode-allow", failureModeAllow,
            "gateway.admin.enabled", false));
        properties.putAll(more);
        return ApplicationContext.run(properties);
    }

    /** The answer the request's X-Case header asks for. */
    @SuppressWarnings("unchecked")
    private static Answer byCase(Map<String, Object> input) {
        Map<String, Object> headers = (Map<String, Object>) ((Map<String, Object>) input.get("request")).get("headers");
        return switch (String.valueOf(headers.get("x-case"))) {
            case "allow" -> Answer.allow();
            case "deny" -> Answer.deny();
            case "allow-object" -> Answer.decision(true, "fine");
            case "deny-object" -> Answer.decision(false, "outside office hours");
            case "undefined" -> Answer.raw(200, "{}");
            case "status-500" -> Answer.raw(500, "{\"code\":\"internal_error\"}");
            case "not-json" -> Answer.raw(200, "<html>oops</html>");
            case "result-string" -> Answer.raw(200, "{\"result\":\"yes\"}");
            case "allow-not-boolean" -> Answer.raw(200, "{\"result\":{\"allow\":\"true\"}}");
            case "slow" -> Answer.allow().after(4000);
            default -> Answer.raw(400, "{}");
        };
    }

    @AfterAll
    void stop() {
        context.close();
        unreachable.close();
        unconfigured.close();
        redactionContexts.values().forEach(ApplicationContext::close);
        decisions.close();
    }

    static Stream<Arguments> answers() {
        // case, route, expected status (200 = admitted), details.reason, details.cause
        return Stream.of(
            Arguments.of("allow", "closed", 200, null, null),
            Arguments.of("allow-object", "closed", 200, null, null),
            Arguments.of("deny", "closed", 403, "policy_denied", null),
            Arguments.of("deny", "open", 403, "policy_denied", null),
            Arguments.of("deny-object", "closed", 403, "policy_denied", null),
            Arguments.of("undefined", "closed", 403, "policy_undefined", null),
            Arguments.of("undefined", "open", 403, "policy_undefined", null),
            Arguments.of("status-500", "closed", 503, "policy_unavailable", "bad_status"),
            Arguments.of("status-500", "open", 200, null, null),
            Arguments.of("not-json", "closed", 503, "policy_unavailable", "malformed"),
            Arguments.of("not-json", "open", 200, null, null),
            Arguments.of("result-string", "closed", 503, "policy_unavailable", "malformed"),
            Arguments.of("allow-not-boolean", "closed", 503, "policy_unavailable", "malformed"),
            Arguments.of("slow", "closed", 503, "policy_unavailable", "timeout"),
            Arguments.of("slow", "open", 200, null, null));
    }

    @ParameterizedTest(name = "{0} on {1} -> {2} {3} {4}")
    @MethodSource("answers")
    void decisionServiceAnswer_thenAdmittedOrRefusedAsTheFailureModeSays(String answer, String route, int status, String reason,
                                                                           String cause) throws Exception {
        String path = route.equals("closed") ? "/closed/acme/x" : "/" + route + "/x";
        TestRequest request = TestRequest.get(path).withHeader("Authorization", "Bearer " + token()).withHeader("X-Case", answer);
        CompletableFuture<GatewayPrincipal> decision = access(context).checkAsync(match(path), request).toCompletableFuture();
        if (status == 200) {
            assertEquals("alice", decision.get(5, TimeUnit.SECONDS).subject());
            return;
        }
        GatewayException refused = refusal(decision);
        assertEquals(status, refused.errorCode().status().getCode());
        assertEquals(reason, refused.details().get("reason"));
        assertEquals("test/decide", refused.details().get("policy"));
        assertEquals(cause, refused.details().get("cause"));
        if (answer.equals("deny-object")) {
            assertEquals("outside office hours", refused.details().get("policy_reason"));
            assertTrue(refused.getMessage().endsWith(": outside office hours"), refused.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"open, 200", "strict, 503"})
    void unreachableServiceAndGatewayFailingOpen_thenTheRouteDecides(String route, int status) throws Exception {
        String path = "/" + route + "/x";
        CompletableFuture<GatewayPrincipal> decision = access(unreachable)
            .checkAsync(match(path), TestRequest.get(path).withHeader("Authorization", "Bearer " + token())).toCompletableFuture();
        if (status == 200) {
            assertEquals("alice", decision.get(5, TimeUnit.SECONDS).subject());
        } else {
            GatewayException refused = refusal(decision);
            assertEquals(503, refused.errorCode().status().getCode());
            assertEquals("unreachable", refused.details().get("cause"));
        }
    }

    @Test
    void closedRouteAndUnreachableServiceWithGatewayDefaultOpen_thenAdmitted() throws Exception {
        // "closed" names no failure mode, so the gateway's failure-mode-allow=true applies.
        GatewayPrincipal principal = access(unreachable).checkAsync(match("/closed/acme/x"),
            TestRequest.get("/closed/acme/x").withHeader("Authorization", "Bearer " + token())).toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
        assertEquals("alice", principal.subject());
    }

    @Test
    void malformedUrl_thenStartFailsNamingTheProperty() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> context("opa:8181", false).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("gateway.opa.url (OPA_URL) 'opa:8181'"), messages.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"closed, 503", "open, 200"})
    void unexpectedErrorWhileAsking_then503PolicyUnavailableOrLetThroughAsTheRouteSays(String route, int status) throws Exception {
        // A URL start-up would refuse: the JDK's client throws while building the request.
        OpaConfiguration broken = new OpaConfiguration();
        broken.setUrl("opa:8181");
        OpaClient client = new OpaClient(broken, context.getBean(io.micronaut.json.JsonMapper.class),
            context.getBean(io.gatehouse.identity.apikey.ApiKeyConfiguration.class));
        RouteAccess access = new RouteAccess(List.copyOf(context.getBeansOfType(io.gatehouse.security.Authenticator.class)),
            context.getBean(io.gatehouse.security.AccessConfiguration.class), client);
        String path = route.equals("closed") ? "/closed/acme/x" : "/open/x";
        CompletableFuture<GatewayPrincipal> decision = access.checkAsync(match(path),
            TestRequest.get(path).withHeader("Authorization", "Bearer " + token())).toCompletableFuture();
        if (status == 200) {
            assertEquals("alice", decision.get(5, TimeUnit.SECONDS).subject());
            return;
        }
        GatewayException refused = refusal(decision);
        assertEquals(503, refused.errorCode().status().getCode());
        assertEquals("policy_unavailable", refused.details().get("reason"));
        assertEquals("error", refused.details().get("cause"));
    }

    @Test
    void noDecisionServiceConfigured_then503EvenWhenFailingOpen() {
        GatewayException refused = refusal(access(unconfigured).checkAsync(match("/open/x"),
            TestRequest.get("/open/x").withHeader("Authorization", "Bearer " + token())).toCompletableFuture());
        assertEquals(503, refused.errorCode().status().getCode());
        assertEquals("not_configured", refused.details().get("cause"));
    }

    @Test
    void slowDecision_thenTheCallerIsNotHeldAndTheAnswerComesAtTheTimeout() {
        long start = System.nanoTime();
        CompletableFuture<GatewayPrincipal> decision = access(context).checkAsync(match("/closed/acme/x"),
            TestRequest.get("/closed/acme/x").withHeader("Authorization", "Bearer " + token()).withHeader("X-Case", "slow"))
            .toCompletableFuture();
        long returnedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFalse(decision.isDone(), "checkAsync returned before the decision");
        assertTrue(returnedAfter < 900, "checkAsync held the caller for " + returnedAfter + " ms");
        assertEquals("timeout", refusal(decision).details().get("cause"));
        long answeredAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(answeredAfter >= 1000 && answeredAfter < 3500, "answered after " + answeredAfter + " ms");
    }

    @Test
    @SuppressWarnings("unchecked")
    void decision_thenTheInputDescribesRequestRouteAndPrincipalWithCredentialsRedacted() throws Exception {
        int before = decisions.inputs("test/decide").size();
        TestRequest request = new TestRequest("POST", "/closed/acme/orders", "api.example.com", Map.of(), Map.of("page", List.of("2", "3")))
            .withHeader("Authorization", "Bearer " + token())
            .withHeader("Cookie", "session=secret")
            .withHeader("X-API-Key", "gh_secret")
            .withHeader("X-User-Id", "forged")
            .withHeader("X-Trace", "t-1")
            .withHeader("X-Case", "allow");
        access(context).checkAsync(match("/closed/acme/orders"), request).toCompletableFuture().get(5, TimeUnit.SECONDS);
        List<Map<String, Object>> inputs = decisions.inputs("test/decide");
        assertEquals(before + 1, inputs.size());
        Map<String, Object> input = inputs.getLast();
        Map<String, Object> http = (Map<String, Object>) input.get("request");
        assertEquals("POST", http.get("method"));
        assertEquals("/closed/acme/orders", http.get("path"));
        assertEquals("api.example.com", http.get("host"));
        assertEquals(Map.of("authorization", OpaInput.REDACTED, "cookie", OpaInput.REDACTED, "x-api-key", OpaInput.REDACTED,
            "x-trace", "t-1", "x-case", "allow"), http.get("headers"));
        assertEquals(Map.of("page", List.of("2", "3")), http.get("query"));
        assertEquals(Map.of("id", "closed", "variables", Map.of("project", "acme")), input.get("route"));
        Map<String, Object> principal = (Map<String, Object>) input.get("principal");
        assertEquals(true, principal.get("authenticated"));
        assertEquals("alice", principal.get("subject"));
        assertEquals("jwt", principal.get("method"));
        assertEquals(List.of("ops"), principal.get("roles"));
        assertEquals(List.of("orders:read"), principal.get("scopes"));
        assertEquals(List.of("ops", "staff"), principal.get("groups"));
        assertEquals("alice", ((Map<String, Object>) principal.get("claims")).get("sub"));
        assertTrue(principal.containsKey("tenant"));
    }

    static Stream<Arguments> redactions() {
        // gateway configuration, route, headers shown redacted, query parameters shown redacted; the rest arrive as sent
        Set<String> credentialHeaders = Set.of("authorization", "proxy-authorization", "cookie", "x-api-key");
        Set<String> credentialParameters = Set.of("access_token", "API_KEY");
        return Stream.of(
            Arguments.of("defaults", "/closed/acme/x", credentialHeaders, credentialParameters),
            Arguments.of("defaults", "/keep/x", credentialHeaders, credentialParameters),
            Arguments.of("defaults", "/give/x", Set.of(), Set.of()),
            Arguments.of("custom lists", "/closed/acme/x", Set.of("x-upstream-token", "x-key"), Set.of("sig")),
            Arguments.of("forward-credentials", "/closed/acme/x", Set.of(), Set.of()),
            Arguments.of("forward-credentials", "/keep/x", credentialHeaders, credentialParameters));
    }

    @ParameterizedTest(name = "{0} on {1} -> headers {2}, query {3} redacted")
    @MethodSource("redactions")
    @SuppressWarnings("unchecked")
    void credentials_thenRedactedAsTheGatewayAndTheRouteSay(String configuration, String path, Set<String> headers,
                                                           Set<String> parameters) throws Exception {
        ApplicationContext gateway = configuration.equals("defaults") ? context
            : redactionContexts.computeIfAbsent(configuration, name -> context(decisions.url(), false, name.equals("custom lists")
                ? Map.of("gateway.opa.redact-headers", List.of("X-Upstream-Token"), "gateway.opa.redact-query-params", List.of("Sig"),
                    "gateway.api-keys.header", "X-Key", "gateway.opa.timeout", "2s")
                : Map.of("gateway.opa.forward-credentials", true, "gateway.opa.timeout", "2s")));
        Map<String, String> sent = new TreeMap<>(Map.of("authorization", "Bearer " + token(), "proxy-authorization", "Basic cHJveHk=",
            "cookie", "session=s3cret", "x-api-key", "gh_key_1", "x-key", "gh_key_2", "x-upstream-token", "up-1",
            "x-trace", "t-2", "x-case", "allow"));
        Map<String, List<String>> query = new TreeMap<>(Map.of("access_token", List.of("at-1", "at-2"), "API_KEY", List.of("k-1"),
            "sig", List.of("sig-1"), "page", List.of("2")));
        TestRequest request = new TestRequest("GET", path, "api.example.com", Map.of(), query);
        for (Map.Entry<String, String> header : sent.entrySet()) {
            request = request.withHeader(header.getKey(), header.getValue());
        }
        access(gateway).checkAsync(match(path), request).toCompletableFuture().get(5, TimeUnit.SECONDS);
        Map<String, Object> http = (Map<String, Object>) decisions.inputs("test/decide").getLast().get("request");
        Map<String, Object> expectedHeaders = new TreeMap<>();
        sent.forEach((name, value) -> expectedHeaders.put(name, headers.contains(name) ? OpaInput.REDACTED : value));
        assertEquals(expectedHeaders, new TreeMap<>((Map<String, Object>) http.get("headers")));
        Map<String, Object> expectedQuery = new TreeMap<>();
        query.forEach((name, values) -> expectedQuery.put(name,
            parameters.contains(name) ? Collections.nCopies(values.size(), OpaInput.REDACTED) : values));
        assertEquals(expectedQuery, new TreeMap<>((Map<String, Object>) http.get("query")));
    }

    @Test
    void configuredNames_thenLowerCasedAndBlankOnesDropped() {
        OpaConfiguration configuration = new OpaConfiguration();
        configuration.setRedactHeaders(Arrays.asList(" X-Upstream-Token ", "", null, "x-upstream-token"));
        configuration.setRedactQueryParams(null);
        assertEquals(List.of("x-upstream-token"), configuration.getRedactHeaders());
        assertEquals(OpaConfiguration.DEFAULT_REDACT_QUERY_PARAMS, configuration.getRedactQueryParams());
    }

    @Test
    @SuppressWarnings("unchecked")
    void authNoneRoute_thenDecidedForTheAnonymousCaller() throws Exception {
        GatewayPrincipal principal = access(context).checkAsync(match("/anonymous/x"), TestRequest.get("/anonymous/x")
            .withHeader("X-Case", "allow")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(principal.anonymous());
        Map<String, Object> caller = (Map<String, Object>) decisions.inputs("test/decide").getLast().get("principal");
        assertEquals(false, caller.get("authenticated"));
        assertNull(caller.get("subject"));
        assertEquals("none", caller.get("method"));
    }

    @Test
    void refusedByTheRouteRulesFirst_thenTheServiceIsNotAsked() {
        int before = decisions.inputs("test/decide").size();
        GatewayException refused = refusal(access(context).checkAsync(match("/closed/acme/x"),
            TestRequest.get("/closed/acme/x").withHeader("X-Case", "allow")).toCompletableFuture());
        assertEquals(401, refused.errorCode().status().getCode());
        assertEquals(before, decisions.inputs("test/decide").size());
    }

    @Test
    void synchronousCheckOfAnOpaRoute_thenRefusedAsAProgrammingError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> access(context).check(match("/closed/acme/x"),
            TestRequest.get("/closed/acme/x").withHeader("Authorization", "Bearer " + token())));
        assertTrue(e.getMessage().contains("checkAsync"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "'bad path!' | routes[0].authorization.opa: 'bad path!' is not an OPA data path",
        "{ failure-mode-allow: true } | routes[0].authorization.opa.path: is required",
        "{ path: a/b, failure-mode-allow: maybe } | routes[0].authorization.opa.failure-mode-allow:",
        "{ path: a/b, forward-credentials: maybe } | routes[0].authorization.opa.forward-credentials:",
        "{ path: a/b, fail-open: true } | routes[0].authorization.opa.fail-open: unknown field"})
    void invalidOpaRule_thenRefusedWithTheFieldPath(String opa, String expected) {
        DefinitionException e = assertThrows(DefinitionException.class, () -> GatewayDefinition.of(List.of(
            new GatewayDefinition.Source("routes.yml", new Yaml().load("""
                upstreams:
                  svc: { targets: ["http://127.0.0.1:9"] }
                routes:
                  - id: r
                    match: { path: "/r/**" }
                    upstream: svc
                    authorization: { opa: %s }
                """.formatted(opa))))));
        assertTrue(e.getMessage().contains(expected), "missing \"" + expected + "\" in:\n" + e.getMessage());
    }

    private static GatewayException refusal(CompletableFuture<GatewayPrincipal> decision) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> decision.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(GatewayException.class, e.getCause());
    }

    private static RouteAccess access(ApplicationContext context) {
        return context.getBean(RouteAccess.class);
    }

    private RouteMatch match(String path) {
        RouteMatch match = table.match(TestRequest.get(path));
        assertTrue(match != null, "no route for " + path);
        return match;
    }

    private static String token() {
        return TestTokens.hmac(TestTokens.claims("alice").claim("roles", List.of("ops")).claim("groups", List.of("staff"))
            .claim("scope", "orders:read").build(), JWSAlgorithm.HS256);
    }
}
