package io.gatehouse.contract;

import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile JSON on every gateway endpoint that takes a JSON body (issues #13 and #14): deep nesting,
 * huge numbers, duplicate keys, wrong types, unknown fields, truncated JSON, a wrong charset and a
 * body over {@code micronaut.server.max-request-size}. Each is a 400 or 413 envelope naming what
 * is wrong, never a 500, a stack trace or an internal class name; the same on Netty and on both
 * Lambda payloads.
 */
public abstract class JsonInputContractTest extends IdentityContractSupport {

    /** {@code micronaut.server.max-request-size} of the gateway under test: the container's default. */
    private static final int MAX_REQUEST_SIZE = 10 * 1024 * 1024;

    /** What must never reach a client: class and package names, stack frames, parser internals. */
    private static final Pattern LEAK = Pattern.compile(
        "io\\.micronaut|io\\.gatehouse|com\\.fasterxml|java\\.lang|Exception|\\sat [a-z]+\\.|StreamReadConstraints|REDACTED"
            + "|\\b(Consumer|Key|Token|Client|Provider)Request\\b");

    /**
     * A gateway endpoint that takes a JSON body.
     *
     * @param method      the method
     * @param path        the path
     * @param knownField  a string field the endpoint accepts
     * @param numberField a field where a huge number is wrong (a list, a number or a duration)
     * @param definition  whether the body is a route or upstream that the definition validator checks
     */
    record Endpoint(String method, String path, String knownField, String numberField, boolean definition) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** The consumer that the endpoints under {@code /admin/consumers/{name}} address. */
    private static final String CONSUMER = "json-existing";

    /** Every endpoint that takes a JSON body. */
    static final List<Endpoint> ENDPOINTS = List.of(
        new Endpoint("POST", "/admin/consumers", "name", "groups", false),
        new Endpoint("PATCH", "/admin/consumers/" + CONSUMER, "tenant", "groups", false),
        new Endpoint("PUT", "/admin/consumers/" + CONSUMER + "/groups", "tenant", "groups", false),
        new Endpoint("POST", "/admin/consumers/" + CONSUMER + "/keys", "rotate", "ttl", false),
        new Endpoint("POST", "/v1/tokens", "subject", "expires_in", false),
        new Endpoint("POST", "/admin/oauth-clients", "client_id", "scopes", false),
        new Endpoint("POST", "/admin/sso-providers", "issuer", "scopes", false),
        new Endpoint("PUT", "/admin/sso-providers/json-nobody", "issuer", "scopes", false),
        new Endpoint("PATCH", "/admin/sso-providers/json-nobody", "issuer", "scopes", false),
        new Endpoint("PUT", "/admin/routes/json-route", "upstream", "priority", true),
        new Endpoint("PUT", "/admin/upstreams/json-upstream", "load-balancer", "targets", true));

    /**
     * A hostile body.
     *
     * @param name           what it is
     * @param body           the body for an endpoint
     * @param typedRule      the {@code details.rule} of a typed endpoint's answer, or {@code null} for any 400
     * @param definitionRule the same for a route or upstream, or {@code null} for any 400 (the validator's)
     */
    record Case(String name, Function<Endpoint, byte[]> body, String typedRule, String definitionRule) {
        @Override
        public String toString() {
            return name;
        }

        String rule(Endpoint endpoint) {
            return endpoint.definition() ? definitionRule : typedRule;
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final String LATIN_1 = "Latin-1 bytes declared as UTF-8";

    private static final String DEEP = "[".repeat(10_000) + "]".repeat(10_000);

    /** The corpus; every case is answered 400 on every endpoint. */
    static final List<Case> CASES = List.of(
        new Case("nesting 10,000 levels deep", e -> utf8("{\"" + e.knownField() + "\":" + DEEP + "}"), "type", "max_depth"),
        new Case("nesting 10,000 levels deep at the root", e -> utf8(DEEP), "type", "type"),
        new Case("a 400-digit number", e -> utf8("{\"" + e.numberField() + "\":" + "9".repeat(400) + "}"), null, null),
        new Case("1e400", e -> utf8("{\"" + e.numberField() + "\":1e400}"), null, null),
        new Case("a duplicate key", e -> utf8("{\"" + e.knownField() + "\":\"a\",\"" + e.knownField() + "\":\"b\"}"),
            "duplicate_key", "duplicate_key"),
        new Case("an object where a string belongs", e -> utf8("{\"" + e.knownField() + "\":{\"x\":1}}"), "type", null),
        new Case("an array as the body", e -> utf8("[\"" + e.knownField() + "\"]"), "type", "type"),
        new Case("an unknown field", e -> utf8("{\"" + e.knownField() + "\":\"a\",\"colour\":\"red\"}"), "unknown_field", null),
        new Case("truncated JSON", e -> utf8("{\"" + e.knownField() + "\":\"a"), "truncated", "truncated"),
        new Case(LATIN_1, e -> ("{\"" + e.knownField() + "\":\"Gr\u00fc\u00dfe\"}").getBytes(StandardCharsets.ISO_8859_1),
            "encoding", "encoding"),
        new Case("a control character in a string", e -> utf8("{\"" + e.knownField() + "\":\"a\u0001b\"}"), "syntax", "syntax"),
        new Case("not JSON at all", e -> utf8("name=x&colour=red"), "syntax", "syntax"));

    static Stream<Arguments> endpointsAndCases() {
        List<Arguments> all = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (Case hostile : CASES) {
                all.add(Arguments.of(endpoint, hostile));
            }
        }
        return all.stream();
    }

    static Stream<Endpoint> endpoints() {
        return ENDPOINTS.stream();
    }

    private ContractResponse sendJson(Endpoint endpoint, byte[] body) {
        return send(admin(ContractRequest.of(endpoint.method(), endpoint.path()).body("application/json", body)));
    }

    /** Asserts the answer is a 400 or 413 envelope with nothing internal in it. */
    private static JsonNode assertRefused(ContractResponse response, int status, Set<String> codes) {
        assertEquals(status, response.status(), response.text());
        String text = response.text();
        assertFalse(LEAK.matcher(text).find(), "internals leak: " + text);
        JsonNode error = response.json().get("error");
        assertTrue(codes.contains(error.get("code").getStringValue()), text);
        return assertEnvelope(response, status, error.get("code").getStringValue());
    }

    /**
     * Whether the body's bytes reach the gateway as the client sent them. API Gateway hands a
     * function a text body (JSON among them) as a string, so bytes that are not UTF-8 arrive as
     * U+FFFD and the value is judged as text by the endpoint; on Netty the parser sees the bytes.
     *
     * @return whether invalid UTF-8 reaches the JSON parser
     */
    protected boolean invalidUtf8ReachesTheParser() {
        return true;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("endpointsAndCases")
    void hostileBody_then400EnvelopeNamingTheProblem(Endpoint endpoint, Case hostile) {
        ContractResponse response = sendJson(endpoint, hostile.body().apply(endpoint));
        if (LATIN_1.equals(hostile.name()) && !invalidUtf8ReachesTheParser()) {
            // Replacement characters in a field: a 4xx envelope from the endpoint's own checks.
            assertTrue(response.status() == 400 || response.status() == 404, response.text());
            assertRefused(response, response.status(), Set.of("validation_failed", "not_found"));
            return;
        }
        JsonNode error = assertRefused(response, 400, Set.of("invalid_json", "validation_failed"));
        JsonNode details = error.get("details");
        if ("invalid_json".equals(error.get("code").getStringValue())) {
            assertTrue(details.get("rule") != null && !details.get("rule").getStringValue().isBlank(), response.text());
        } else {
            assertTrue(details.get("problems") != null || details.get("violations") != null, response.text());
        }
        String rule = hostile.rule(endpoint);
        if (rule != null) {
            assertEquals("invalid_json", error.get("code").getStringValue(), response.text());
            assertEquals(rule, details.get("rule").getStringValue(), response.text());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void unknownField_thenRefusedByName(Endpoint endpoint) {
        ContractResponse response = sendJson(endpoint, utf8("{\"" + endpoint.knownField() + "\":\"a\",\"colour\":\"red\"}"));
        JsonNode error = assertRefused(response, 400, Set.of("invalid_json", "validation_failed"));
        if (endpoint.definition()) {
            // Routes and upstreams keep the definition validator's own answer, as the file gets it.
            assertEquals("validation_failed", error.get("code").getStringValue());
            JsonNode problem = error.get("details").get("problems").values().iterator().next();
            assertEquals("colour", problem.get("path").getStringValue(), response.text());
            assertTrue(problem.get("message").getStringValue().startsWith("unknown field"), response.text());
        } else {
            assertEquals("invalid_json", error.get("code").getStringValue());
            assertEquals("unknown_field", error.get("details").get("rule").getStringValue());
            assertEquals("colour", error.get("details").get("field").getStringValue());
            assertTrue(error.get("message").getStringValue().contains("'colour'"), response.text());
            List<String> accepted = new ArrayList<>();
            error.get("details").get("accepted").values().forEach(v -> accepted.add(v.getStringValue()));
            assertTrue(accepted.contains(endpoint.knownField()), response.text());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void duplicateKey_thenRefusedNotLastWins(Endpoint endpoint) {
        ContractResponse response = sendJson(endpoint, utf8("{\"" + endpoint.knownField() + "\":\"a\",\"" + endpoint.knownField() + "\":\"b\"}"));
        JsonNode details = assertRefused(response, 400, Set.of("invalid_json")).get("details");
        assertEquals("duplicate_key", details.get("rule").getStringValue());
        assertEquals(endpoint.knownField(), details.get("field").getStringValue());
        assertEquals("/" + endpoint.knownField(), details.get("path").getStringValue());
    }

    @Test
    void deepNestingInAFreeFormBody_thenDepthLimitNamed() {
        Endpoint routes = ENDPOINTS.stream().filter(Endpoint::definition).findFirst().orElseThrow();
        ContractResponse response = sendJson(routes, utf8("{\"metadata\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"));
        JsonNode details = assertRefused(response, 400, Set.of("invalid_json")).get("details");
        assertEquals("max_depth", details.get("rule").getStringValue());
        assertEquals(1000, details.get("limit").getIntValue());
    }

    @Test
    void hugeNumberInAFreeFormBody_thenRefusedByTheDefinitionValidator() {
        ContractResponse response = send(adminJson("PUT", "/admin/routes/json-route",
            "{\"match\":{\"path\":\"/json/**\"},\"upstream\":\"none\",\"priority\":" + "9".repeat(400) + "}"));
        assertRefused(response, 400, Set.of("validation_failed"));
        assertTrue(response.text().contains("\"path\":\"priority\""), response.text());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void numberLongerThanTheParserAllows_thenNumberLengthNamed(Endpoint endpoint) {
        ContractResponse response = sendJson(endpoint, utf8("{\"" + endpoint.numberField() + "\":" + "9".repeat(1_001) + "}"));
        JsonNode details = assertRefused(response, 400, Set.of("invalid_json")).get("details");
        assertEquals("max_number_length", details.get("rule").getStringValue());
        assertEquals(1000, details.get("limit").getIntValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void bodyOverMaxRequestSize_then413Envelope(Endpoint endpoint) {
        ContractResponse response = sendJson(endpoint, oversized());
        JsonNode error = assertRefused(response, 413, Set.of("payload_too_large"));
        assertEquals(MAX_REQUEST_SIZE, error.get("details").get("limit_bytes").getLongValue(), response.text());
    }

    @Test
    void oversizedBodyOnTheTokenAndLoginEndpoints_then413Envelope() {
        for (String path : List.of("/oauth/token", "/v1/auth/logout")) {
            ContractResponse response = send(ContractRequest.of("POST", path).body("application/x-www-form-urlencoded", oversized()));
            assertRefused(response, 413, Set.of("payload_too_large"));
        }
    }

    @Test
    void hostileJsonOnTheOAuthTokenEndpoint_thenRfc6749ErrorNot500() {
        for (Case hostile : CASES) {
            ContractResponse response = send(ContractRequest.of("POST", "/oauth/token")
                .body("application/json", hostile.body().apply(ENDPOINTS.getFirst())));
            assertEquals(400, response.status(), hostile + ": " + response.text());
            assertFalse(LEAK.matcher(response.text()).find(), "internals leak: " + response.text());
            assertEquals("invalid_request", response.json().get("error").getStringValue(), response.text());
        }
    }

    @Test
    void hostileBodyOnLogout_thenIgnoredNot500() {
        for (Case hostile : CASES) {
            ContractResponse response = send(ContractRequest.of("POST", "/v1/auth/logout")
                .body("application/json", hostile.body().apply(ENDPOINTS.getFirst())));
            assertNotEquals(500, response.status(), hostile + ": " + response.text());
            assertTrue(response.status() < 500, hostile + ": " + response.text());
            assertFalse(LEAK.matcher(response.text()).find(), "internals leak: " + response.text());
        }
    }

    @BeforeAll
    void createConsumer() {
        ContractResponse response = send(adminJson("POST", "/admin/consumers", "{\"name\":\"" + CONSUMER + "\",\"groups\":[\"a\"]}"));
        assertEquals(201, response.status(), response.text());
    }

    @Test
    void wellFormedBody_thenStillAccepted() {
        ContractResponse response = send(adminJson("POST", "/admin/consumers", "{\"name\":\"json-ok\",\"groups\":[\"a\"]}"));
        assertEquals(201, response.status(), response.text());
    }

    /** A JSON body one byte over the limit. */
    private static byte[] oversized() {
        byte[] body = new byte[MAX_REQUEST_SIZE + 1];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        return body;
    }

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("micronaut.server.max-request-size", MAX_REQUEST_SIZE);
        return properties;
    }
}
