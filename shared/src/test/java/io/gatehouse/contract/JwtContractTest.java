package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.testing.JwksServer;
import io.gatehouse.testing.TestTokens;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JWT routes over HTTP semantics, the same on Netty and both Lambda payloads: routes to a real
 * loopback upstream with {@code auth}, {@code claims} and {@code authorization} policies, keys from
 * {@code gateway.jwt.secret} and a real JWKS endpoint, and {@code gateway.require-auth=true}.
 *
 * <p>A refused request is answered with 401/403, the envelope and {@code WWW-Authenticate}. An
 * admitted one is recognised by the {@code X-Test-Principal} header
 * ({@code gateway.route-access.principal-header}) and by not being 401/403, whatever the proxy
 * engine in place answers after security.
 */
public abstract class JwtContractTest extends ContractTestBase {

    private static final String PRINCIPAL_HEADER = "X-Test-Principal";

    private final TestTokens tokens = TestTokens.generate();
    private final JwksServer jwks = JwksServer.start(tokens.publicKeys());
    private final JwksServer attacker = JwksServer.start(TestTokens.rsaKey("attacker-1"));
    private final TestUpstream upstream = TestUpstream.start();

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.config-file", routesFile().toString());
        properties.put("gateway.require-auth", true);
        properties.put("gateway.jwt.secret", TestTokens.SECRET);
        properties.put("gateway.jwt.jwks-urls", List.of(jwks.url()));
        properties.put("gateway.jwt.issuers", List.of(TestTokens.ISSUER));
        properties.put("gateway.jwt.audiences", List.of(TestTokens.AUDIENCE));
        properties.put("gateway.jwt.required-claims", List.of("sub"));
        properties.put("gateway.route-access.principal-header", PRINCIPAL_HEADER);
        return properties;
    }

    @AfterAll
    void stopServers() {
        jwks.close();
        attacker.close();
        upstream.close();
    }

    Stream<Arguments> maliciousTokens() {
        return tokens.malicious(attacker.url()).entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()[0], e.getValue()[1]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maliciousTokens")
    void maliciousToken_then401EnvelopeWithInvalidTokenChallenge(String name, String token, String reason) {
        ContractResponse response = send(ContractRequest.get("/p/acme/orders/items").header("Authorization", "Bearer " + token));
        assertEquals(401, response.status(), response.text());
        JsonNode error = envelope(response, "unauthorized");
        assertEquals(reason, error.get("details").get("reason").getStringValue());
        String challenge = response.header("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Bearer realm=\"gatehouse\", error=\"invalid_token\""), challenge);
        assertTrue(response.header(PRINCIPAL_HEADER).isEmpty());
    }

    @Test
    void keyUrlsInTheHeader_thenNeverFetched() {
        tokens.malicious(attacker.url()).forEach((name, token) -> {
            if (name.contains("jku") || name.contains("x5u")) {
                ContractResponse response = send(ContractRequest.get("/p/acme/orders/items").header("Authorization", "Bearer " + token[0]));
                assertEquals(401, response.status(), name + ": " + response.text());
            }
        });
        assertEquals(0, attacker.fetches(), "jku and x5u are never fetched");
    }

    @Test
    void noSecretAndHmacTokensSignedWithPublicKeys_then401AlgorithmNotAllowed() {
        Map<String, Object> jwksOnly = properties();
        jwksOnly.remove("gateway.jwt.secret");
        GatewayTransport other = runtime().start(jwksOnly);
        try {
            tokens.malicious(attacker.url()).forEach((name, token) -> {
                if (name.contains("(confusion)")) {
                    assertRefused(other.send(ContractRequest.get("/p/acme/orders/items").header("Authorization", "Bearer " + token[0])),
                        "algorithm_not_allowed", name);
                }
            });
        } finally {
            other.close();
        }
    }

    @Test
    void noJwksAndAsymmetricTokens_then401AlgorithmNotAllowed() {
        Map<String, Object> secretOnly = properties();
        secretOnly.put("gateway.jwt.jwks-urls", List.of());
        GatewayTransport other = runtime().start(secretOnly);
        try {
            validTokens().map(Arguments::get).filter(a -> !((String) a[0]).startsWith("HS")).forEach(a -> assertRefused(
                other.send(ContractRequest.get("/p/acme/orders/items").header("Authorization", "Bearer " + a[1])),
                "algorithm_not_allowed", (String) a[0]));
        } finally {
            other.close();
        }
    }

    Stream<Arguments> unusualButValidTokens() {
        JWTClaimsSet claims = TestTokens.claims("alice").claim("project", "acme").claim("service", "orders").build();
        return TestTokens.unusualButValid(claims).entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusualButValidTokens")
    void unusualButValidToken_thenPastSecurity(String name, String token) {
        assertAdmitted(send(ContractRequest.get("/p/acme/orders/items").header("Authorization", "Bearer " + token)), "jwt alice");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bearer", "BEARER", "bEaReR"})
    void schemeInAnyCase_thenPastSecurity(String scheme) {
        String token = TestTokens.hmac(TestTokens.claims("alice").claim("project", "acme").claim("service", "orders").build(), JWSAlgorithm.HS256);
        assertAdmitted(send(ContractRequest.get("/p/acme/orders/items").header("Authorization", scheme + " " + token)), "jwt alice");
    }

    @Test
    void twoAuthorizationHeaders_then401MalformedEvenWhenBothAreValid() {
        String token = TestTokens.hmac(TestTokens.claims("alice").claim("project", "acme").claim("service", "orders").build(), JWSAlgorithm.HS256);
        ContractResponse response = send(ContractRequest.get("/p/acme/orders/items")
            .header("Authorization", "Bearer " + token).header("Authorization", "Bearer " + token));
        assertEquals(401, response.status(), response.text());
        assertEquals("malformed", envelope(response, "unauthorized").get("details").get("reason").getStringValue());
        assertTrue(response.header("WWW-Authenticate").orElseThrow().contains("error=\"invalid_token\""));
    }

    Stream<Arguments> validTokens() {
        JWTClaimsSet claims = TestTokens.claims("alice").claim("project", "acme").claim("service", "orders").build();
        return Stream.of(
            Arguments.of("HS256", TestTokens.hmac(claims, JWSAlgorithm.HS256)),
            Arguments.of("HS512", TestTokens.hmac(claims, JWSAlgorithm.HS512)),
            Arguments.of("RS256", tokens.rs256(claims)),
            Arguments.of("ES256", tokens.es256(claims)),
            Arguments.of("EdDSA", tokens.eddsa(claims)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validTokens")
    void validTokenWithMatchingClaims_thenPastSecurity(String name, String token) {
        ContractResponse response = send(ContractRequest.get("/p/acme/orders/items").header("Authorization", "Bearer " + token));
        assertAdmitted(response, "jwt alice");
    }

    @Test
    void noToken_then401WithBearerChallenge() {
        ContractResponse response = send(ContractRequest.get("/p/acme/orders/items"));
        assertEquals(401, response.status(), response.text());
        JsonNode error = envelope(response, "unauthorized");
        assertEquals("missing_credentials", error.get("details").get("reason").getStringValue());
        assertEquals("Bearer realm=\"gatehouse\"", response.header("WWW-Authenticate").orElseThrow());
    }

    @Test
    void projectClaimForAnotherProject_then403NamingTheClaim() {
        String token = TestTokens.hmac(TestTokens.claims("alice").claim("project", "globex").claim("service", "orders").build(), JWSAlgorithm.HS256);
        ContractResponse response = send(ContractRequest.get("/p/acme/orders/items").header("Authorization", "Bearer " + token));
        assertEquals(403, response.status(), response.text());
        JsonNode error = envelope(response, "forbidden");
        assertEquals("project", error.get("details").get("claim").getStringValue());
        assertTrue(error.get("message").getStringValue().contains("'project'"));
    }

    @Test
    void roleMissing_then403AndRolePresent_thenPastSecurity() {
        String viewer = TestTokens.hmac(TestTokens.claims("vic").claim("roles", List.of("viewer")).build(), JWSAlgorithm.HS256);
        ContractResponse refused = send(ContractRequest.get("/ops/status").header("Authorization", "Bearer " + viewer));
        assertEquals(403, refused.status(), refused.text());
        assertEquals("missing_role", envelope(refused, "forbidden").get("details").get("reason").getStringValue());

        String admin = TestTokens.hmac(TestTokens.claims("ada").claim("roles", List.of("admin")).claim("scope", "ops:read").build(),
            JWSAlgorithm.HS256);
        assertAdmitted(send(ContractRequest.get("/ops/status").header("Authorization", "Bearer " + admin)), "jwt ada");
    }

    @Test
    void scopeMissing_then403WithInsufficientScopeChallenge() {
        String token = TestTokens.hmac(TestTokens.claims("ada").claim("roles", List.of("admin")).claim("scope", "other").build(), JWSAlgorithm.HS256);
        ContractResponse response = send(ContractRequest.get("/ops/status").header("Authorization", "Bearer " + token));
        assertEquals(403, response.status(), response.text());
        assertEquals("Bearer realm=\"gatehouse\", error=\"insufficient_scope\", scope=\"ops:read\"",
            response.header("WWW-Authenticate").orElseThrow());
    }

    @Test
    void requireAuthAndRouteWithoutAuth_then401UntilATokenIsSent() {
        assertEquals(401, send(ContractRequest.get("/plain/x")).status());
        String token = TestTokens.hmac(TestTokens.claims("bob").build(), JWSAlgorithm.HS256);
        assertAdmitted(send(ContractRequest.get("/plain/x").header("Authorization", "Bearer " + token)), "jwt bob");
    }

    @Test
    void authNoneRoute_thenOpenEvenWithRequireAuth() {
        ContractResponse response = send(ContractRequest.get("/public/x"));
        assertNotEquals(401, response.status(), response.text());
        assertNotEquals(403, response.status(), response.text());
        assertTrue(response.header(PRINCIPAL_HEADER).isEmpty());
    }

    @Test
    void apiKeyRouteWithBearerTokenOnly_then401AskingForAnApiKey() {
        String token = TestTokens.hmac(TestTokens.claims("bob").build(), JWSAlgorithm.HS256);
        ContractResponse response = send(ContractRequest.get("/keyed/x").header("Authorization", "Bearer " + token));
        assertEquals(401, response.status(), response.text());
        assertEquals("missing_credentials", envelope(response, "unauthorized").get("details").get("reason").getStringValue());
        assertTrue(response.header("WWW-Authenticate").orElse("").startsWith("ApiKey"), response.headers().toString());
    }

    @Test
    void apiKeyRouteWithUnknownKey_then401InvalidApiKey() {
        ContractResponse response = send(ContractRequest.get("/keyed/x").header("X-API-Key", "gh_000000000000_notakey"));
        assertEquals(401, response.status(), response.text());
        assertEquals("invalid_api_key", envelope(response, "unauthorized").get("details").get("reason").getStringValue());
    }

    @Test
    void gatewayEndpointsWithRequireAuth_thenUnchanged() {
        assertEquals(200, send(ContractRequest.get("/ping")).status());
        ContractResponse health = send(ContractRequest.get("/v1/health"));
        assertEquals(200, health.status(), health.text());
        assertEquals(200, send(ContractRequest.get("/v1/openapi.json")).status());
        assertFalse(send(ContractRequest.get("/metrics")).text().isEmpty());
    }

    private static void assertAdmitted(ContractResponse response, String principal) {
        assertNotEquals(401, response.status(), response.text());
        assertNotEquals(403, response.status(), response.text());
        assertEquals(principal, response.header(PRINCIPAL_HEADER).orElse(null), "admitted by RouteAccessFilter: " + response.text());
    }

    private static void assertRefused(ContractResponse response, String reason, String name) {
        assertEquals(401, response.status(), name + ": " + response.text());
        assertEquals(reason, envelope(response, "unauthorized").get("details").get("reason").getStringValue(), name);
        assertTrue(response.header("WWW-Authenticate").orElseThrow().contains("error=\"invalid_token\""), name);
    }

    private static JsonNode envelope(ContractResponse response, String code) {
        assertEquals("application/json", response.mediaType());
        JsonNode error = response.json().get("error");
        assertEquals(code, error.get("code").getStringValue());
        assertFalse(error.get("message").getStringValue().isBlank());
        assertEquals(response.header("X-Request-ID").orElseThrow(), error.get("request_id").getStringValue());
        assertTrue(error.get("timestamp").getStringValue().endsWith("Z"));
        return error;
    }

    private Path routesFile() {
        String yaml = """
            upstreams:
              orders:
                targets: ["%s"]
            routes:
              - id: projects
                match: { path: "/p/{project}/{service}/**" }
                upstream: orders
                strip-prefix: true
                auth: jwt
                claims:
                  match: { project: "{project}", service: "{service}" }
                  forward: { sub: X-User-Id }
                  strip-authorization: true
              - id: ops
                match: { path: "/ops/**" }
                upstream: orders
                authorization: { roles: [admin], scopes: ["ops:read"] }
              - id: plain
                match: { path: "/plain/**" }
                upstream: orders
              - id: public
                match: { path: "/public/**" }
                upstream: orders
                auth: none
              - id: keyed
                match: { path: "/keyed/**" }
                upstream: orders
                auth: api-key
            """.formatted(upstream.url());
        return definitionFile(yaml);
    }
}
