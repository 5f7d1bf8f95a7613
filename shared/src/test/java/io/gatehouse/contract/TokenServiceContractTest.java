package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.testing.TestTokens;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.gatehouse.contract.FoundationContractTest.assertEnvelope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The token service ({@code /v1/tokens}) over the real PostgreSQL and Redis: issuing, listing,
 * revoking (seen by a second gateway within one second) and cleaning up, the same on Netty and on
 * both Lambda payloads; in Gatehouse's shape and the Traefik router's ({@code expiresInDays},
 * {@code description}, {@code expiresAt}), with revocation reasons, and revoking by {@code jti} a
 * token signed with the shared secret outside Gatehouse, confined to the revoking tenant.
 */
public abstract class TokenServiceContractTest extends IdentityContractSupport {

    /** A JWT route to a port where nothing listens: admitted requests get 502, refused ones 401. */
    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.upstreams.nowhere.targets", java.util.List.of("http://127.0.0.1:" + io.gatehouse.testing.TestUpstream.closedPort()));
        properties.put("gateway.routes[0].id", "secured");
        properties.put("gateway.routes[0].match.path", "/secured/**");
        properties.put("gateway.routes[0].upstream", "nowhere");
        properties.put("gateway.routes[0].auth", "jwt");
        properties.put("gateway.routes[0].retries", 0);
        properties.put("gateway.admin.roles", List.of("gatehouse-admin"));
        return properties;
    }

    /** A token signed with the shared secret outside Gatehouse, as the Traefik router issued them before the migration. */
    private static String foreignToken(String jti, String tenant) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(jti).issuer("traefik-router").subject("alpha/orders")
            .claim("project", "alpha").claim("service", "orders")
            .issueTime(new Date()).expirationTime(Date.from(Instant.now().plus(Duration.ofDays(30))));
        if (tenant != null) {
            claims.claim("tenant", tenant);
        }
        return TestTokens.hmac(claims.build(), new JWSHeader(JWSAlgorithm.HS256), SECRET.getBytes(StandardCharsets.UTF_8));
    }

    private static String tenantAdmin(String tenant) {
        return TestTokens.hmac(TestTokens.claims(tenant + "-admin").claim("roles", List.of("gatehouse-admin")).claim("tenant", tenant).build(),
            new JWSHeader(JWSAlgorithm.HS256), SECRET.getBytes(StandardCharsets.UTF_8));
    }

    private static ContractRequest secured(String token) {
        return ContractRequest.get("/secured/orders").header("Authorization", "Bearer " + token);
    }

    private JsonNode issue(String json) {
        ContractResponse response = send(adminJson("POST", "/v1/tokens", json));
        assertEquals(201, response.status(), response.text());
        return response.json();
    }

    @Test
    void issue_thenSignedJwtWithTheClaimsShownOnce() {
        ContractResponse response = send(adminJson("POST", "/v1/tokens", "{\"project\":\"alpha\",\"service\":\"orders\"}"));
        assertEquals(201, response.status(), response.text());
        assertEquals("no-store", response.header("Cache-Control").orElse(null));
        JsonNode body = response.json();
        Map<String, Object> claims = verifiedClaims(body.get("token").getStringValue());
        assertEquals(body.get("jti").getStringValue(), claims.get("jti"));
        assertEquals("alpha", claims.get("project"));
        assertEquals("orders", claims.get("service"));
        assertEquals("alpha/orders", claims.get("sub"));
        assertEquals("gatehouse", claims.get("iss"));
        long iat = ((Date) claims.get("iat")).toInstant().getEpochSecond();
        long exp = ((Date) claims.get("exp")).toInstant().getEpochSecond();
        assertEquals(90L * 24 * 3600, exp - iat, "default lifetime 90 days");
        assertEquals("Bearer", body.get("token_type").getStringValue());
        assertEquals(90L * 24 * 3600, body.get("expires_in").getLongValue());

        ContractResponse listed = send(admin(ContractRequest.get("/v1/tokens")));
        assertEquals(200, listed.status(), listed.text());
        assertFalse(listed.text().contains(body.get("token").getStringValue()), "the list never shows a token");
    }

    static Stream<Arguments> lifetimes() {
        return Stream.of(
            Arguments.of("ttl 30d", "\"ttl\":\"30d\"", 30L * 24 * 3600),
            Arguments.of("ttl 12h", "\"ttl\":\"12h\"", 12L * 3600),
            Arguments.of("ttl ISO-8601", "\"ttl\":\"P7D\"", 7L * 24 * 3600),
            Arguments.of("expires_in", "\"expires_in\":3600", 3600L),
            Arguments.of("the maximum", "\"ttl\":\"365d\"", 365L * 24 * 3600),
            Arguments.of("expiresInDays", "\"expiresInDays\":30", 30L * 24 * 3600),
            Arguments.of("expiresInDays at the router's cap", "\"expiresInDays\":365", 365L * 24 * 3600),
            Arguments.of("expiresInDays and ttl naming the same lifetime", "\"expiresInDays\":7,\"ttl\":\"7d\"", 7L * 24 * 3600));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lifetimes")
    void requestedLifetime_thenExpIsIatPlusIt(String name, String field, long seconds) {
        JsonNode body = issue("{\"project\":\"alpha\",\"service\":\"orders\"," + field + "}");
        Map<String, Object> claims = verifiedClaims(body.get("token").getStringValue());
        long iat = ((Date) claims.get("iat")).toInstant().getEpochSecond();
        long exp = ((Date) claims.get("exp")).toInstant().getEpochSecond();
        assertEquals(seconds, exp - iat);
    }

    static Stream<Arguments> invalidBodies() {
        return Stream.of(
            Arguments.of("no project", "{\"service\":\"orders\"}", "project"),
            Arguments.of("no service", "{\"project\":\"alpha\"}", "service"),
            Arguments.of("bad name", "{\"project\":\"al pha\",\"service\":\"orders\"}", "project"),
            Arguments.of("beyond the maximum", "{\"project\":\"alpha\",\"service\":\"orders\",\"ttl\":\"366d\"}", "ttl"),
            Arguments.of("unreadable ttl", "{\"project\":\"alpha\",\"service\":\"orders\",\"ttl\":\"soon\"}", "ttl"),
            Arguments.of("negative expires_in", "{\"project\":\"alpha\",\"service\":\"orders\",\"expires_in\":-5}", "expires_in"),
            Arguments.of("expiresInDays beyond the router's cap", "{\"project\":\"alpha\",\"service\":\"orders\",\"expiresInDays\":366}",
                "expiresInDays"),
            Arguments.of("expiresInDays zero", "{\"project\":\"alpha\",\"service\":\"orders\",\"expiresInDays\":0}", "expiresInDays"),
            Arguments.of("expiresInDays and ttl differ", "{\"project\":\"alpha\",\"service\":\"orders\",\"expiresInDays\":30,\"ttl\":\"7d\"}",
                "expiresInDays"),
            Arguments.of("description too long", "{\"project\":\"alpha\",\"service\":\"orders\",\"description\":\"" + "x".repeat(501) + "\"}",
                "description"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void invalidRequest_then400NamingTheField(String name, String json, String field) {
        JsonNode error = assertEnvelope(send(adminJson("POST", "/v1/tokens", json)), 400, "validation_failed");
        List<String> fields = new ArrayList<>();
        error.get("details").get("violations").values().forEach(v -> fields.add(v.get("field").getStringValue()));
        assertTrue(fields.contains(field), fields.toString());
    }

    static Stream<Arguments> withoutAdmin() {
        return Stream.of(
            Arguments.of("no credential", ContractRequest.of("POST", "/v1/tokens").body("application/json", "{\"project\":\"a\",\"service\":\"b\"}")),
            Arguments.of("wrong token", ContractRequest.get("/v1/tokens").header("Authorization", "Bearer not-the-admin-token")),
            Arguments.of("wrong scheme", ContractRequest.get("/v1/tokens").header("Authorization", "Basic " + ADMIN)),
            Arguments.of("revoke", ContractRequest.of("DELETE", "/v1/tokens/abc")),
            Arguments.of("cleanup", ContractRequest.of("POST", "/v1/tokens/cleanup")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withoutAdmin")
    void withoutTheAdminToken_then401Envelope(String name, ContractRequest request) {
        ContractResponse response = send(request);
        assertEnvelope(response, 401, "unauthorized");
        assertTrue(response.header("WWW-Authenticate").orElse("").startsWith("Bearer"), response.headers().toString());
    }

    @Test
    void list_thenActiveTokensOnly() {
        String kept = issue("{\"project\":\"listing\",\"service\":\"kept\"}").get("jti").getStringValue();
        String revoked = issue("{\"project\":\"listing\",\"service\":\"gone\"}").get("jti").getStringValue();
        assertEquals(200, send(admin(ContractRequest.of("DELETE", "/v1/tokens/" + revoked))).status());

        JsonNode tokens = send(admin(ContractRequest.get("/v1/tokens?project=listing"))).json().get("tokens");
        List<String> jtis = new ArrayList<>();
        tokens.values().forEach(t -> {
            jtis.add(t.get("jti").getStringValue());
            assertNull(t.get("token"), "no token in the list");
        });
        assertEquals(List.of(kept), jtis);
    }

    @Test
    void routerShapedRequest_thenBothShapesAnswerAndTheDescriptionIsListed() {
        ContractResponse response = send(adminJson("POST", "/v1/tokens",
            "{\"project\":\"router\",\"service\":\"prefect\",\"description\":\"CI deploys\",\"expiresInDays\":30}"));
        assertEquals(201, response.status(), response.text());
        JsonNode body = response.json();
        Map<String, Object> claims = verifiedClaims(body.get("token").getStringValue());
        long iat = ((Date) claims.get("iat")).toInstant().getEpochSecond();
        long exp = ((Date) claims.get("exp")).toInstant().getEpochSecond();
        assertEquals(30L * 24 * 3600, exp - iat, "expiresInDays, not the 90-day default");
        assertEquals("router", claims.get("project"));
        assertEquals("prefect", claims.get("service"));
        // The router's fields ...
        assertEquals(claims.get("jti"), body.get("jti").getStringValue());
        assertEquals(Instant.ofEpochSecond(exp), Instant.parse(body.get("expiresAt").getStringValue()));
        assertEquals("router", body.get("project").getStringValue());
        assertEquals("prefect", body.get("service").getStringValue());
        // ... beside Gatehouse's own.
        assertEquals(Instant.ofEpochSecond(exp), Instant.parse(body.get("expires_at").getStringValue()));
        assertEquals(30L * 24 * 3600, body.get("expires_in").getLongValue());
        assertEquals("CI deploys", body.get("description").getStringValue());

        JsonNode listed = send(admin(ContractRequest.get("/v1/tokens?project=router"))).json().get("tokens");
        assertEquals(1, listed.size(), listed.toString());
        assertEquals("CI deploys", listed.get(0).get("description").getStringValue());
    }

    @Test
    void revokeWithAReason_thenKeptWithWhoAndWhen() {
        String inBody = issue("{\"project\":\"reasons\",\"service\":\"body\"}").get("jti").getStringValue();
        ContractResponse revoked = send(adminJson("DELETE", "/v1/tokens/" + inBody, "{\"reason\":\"leaked in a CI log\"}"));
        assertEquals(200, revoked.status(), revoked.text());
        assertEquals("leaked in a CI log", revoked.json().get("revocation_reason").getStringValue());
        assertEquals("admin-token", revoked.json().get("revoked_by").getStringValue());

        String inQuery = issue("{\"project\":\"reasons\",\"service\":\"query\"}").get("jti").getStringValue();
        assertEquals(200, send(admin(ContractRequest.of("DELETE", "/v1/tokens/" + inQuery + "?reason=rotated"))).status());
        JsonNode shown = send(admin(ContractRequest.get("/v1/tokens/" + inQuery))).json();
        assertEquals("rotated", shown.get("revocation_reason").getStringValue());
        assertEquals("admin-token", shown.get("revoked_by").getStringValue());
        assertFalse(shown.get("revoked_at").getStringValue().isBlank());

        ContractResponse again = send(adminJson("DELETE", "/v1/tokens/" + inQuery, "{\"reason\":\"another\"}"));
        assertEquals(200, again.status(), again.text());
        assertEquals("rotated", again.json().get("revocation_reason").getStringValue(), "the first revocation is kept");

        JsonNode both = assertEnvelope(send(adminJson("DELETE", "/v1/tokens/" + inBody + "?reason=one", "{\"reason\":\"two\"}")), 400,
            "validation_failed");
        assertEquals("reason", both.get("details").get("violations").get(0).get("field").getStringValue());
    }

    @Test
    void foreignJtiRevoked_thenItsTokenIsRefusedHereAndOnBWithinOneSecond() {
        GatewayTransport b = runtime().start(properties());
        try {
            String jti = java.util.UUID.randomUUID().toString();
            String token = foreignToken(jti, null);
            assertEquals(502, send(secured(token)).status(), "accepted: signed with the shared secret");
            assertEquals(502, b.send(secured(token)).status());

            ContractResponse revoked = send(adminJson("DELETE", "/v1/tokens/" + jti, "{\"reason\":\"router token of a leaver\"}"));
            assertEquals(200, revoked.status(), revoked.text());
            JsonNode body = revoked.json();
            assertEquals("foreign", body.get("kind").getStringValue());
            assertEquals("router token of a leaver", body.get("revocation_reason").getStringValue());
            assertEquals("admin-token", body.get("revoked_by").getStringValue());
            long kept = Instant.parse(body.get("expires_at").getStringValue()).getEpochSecond() - Instant.now().getEpochSecond();
            assertTrue(Math.abs(kept - 365L * 24 * 3600) < 60, "kept for gateway.tokens.max-lifetime when exp is not given: " + kept);

            JsonNode error = assertEnvelope(send(secured(token)), 401, "unauthorized");
            assertEquals("revoked", error.get("details").get("reason").getStringValue());
            long millis = millisUntil(() -> b.send(secured(token)).status() == 401, 5000);
            assertTrue(millis >= 0 && millis <= 1000, "B refused the foreign token after " + millis + " ms (-1: never)");
            assertEquals("foreign", send(admin(ContractRequest.get("/v1/tokens/" + jti))).json().get("kind").getStringValue());
        } finally {
            b.close();
        }
    }

    @Test
    void foreignJtiWithItsExpiry_thenKeptUntilThen() {
        String jti = "router-" + java.util.UUID.randomUUID();
        Instant exp = Instant.now().plus(Duration.ofDays(12)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        ContractResponse revoked = send(adminJson("DELETE", "/v1/tokens/" + jti, "{\"expires_at\":\"" + exp + "\"}"));
        assertEquals(200, revoked.status(), revoked.text());
        assertEquals(exp, Instant.parse(revoked.json().get("expires_at").getStringValue()));

        String issued = issue("{\"project\":\"alpha\",\"service\":\"orders\"}").get("jti").getStringValue();
        JsonNode refused = assertEnvelope(send(adminJson("DELETE", "/v1/tokens/" + issued, "{\"expires_at\":\"" + exp + "\"}")), 400,
            "validation_failed");
        assertEquals("expires_at", refused.get("details").get("violations").get(0).get("field").getStringValue());
        assertEnvelope(send(adminJson("DELETE", "/v1/tokens/router-past", "{\"expires_at\":\"2020-01-01T00:00:00Z\"}")), 400,
            "validation_failed");
    }

    @Test
    void foreignJtiRevokedByATenantAdministrator_thenOnlyThatTenantsTokenIsRefused() {
        String jti = java.util.UUID.randomUUID().toString();
        String requestId = "foreign-revocation-" + jti;
        ContractResponse revoked = send(ContractRequest.of("DELETE", "/v1/tokens/" + jti + "?reason=acme%20offboarding")
            .header("Authorization", "Bearer " + tenantAdmin("acme")).header("X-Request-ID", requestId));
        assertEquals(200, revoked.status(), revoked.text());
        assertEquals("acme", revoked.json().get("tenant").getStringValue());
        assertEquals("acme-admin", revoked.json().get("revoked_by").getStringValue());

        List<JsonNode> events = new ArrayList<>();
        long millis = millisUntil(() -> {
            events.clear();
            send(admin(ContractRequest.get("/admin/audit?request_id=" + requestId))).json().get("events").values().forEach(events::add);
            return !events.isEmpty();
        }, 5000);
        assertTrue(millis >= 0, "the foreign revocation was never audited");
        JsonNode event = events.getFirst();
        assertEquals("token.revoke", event.get("action").getStringValue());
        assertEquals("token:" + jti, event.get("target").getStringValue());
        assertEquals("acme", event.get("tenant").getStringValue());
        assertEquals("foreign", event.get("details").get("kind").getStringValue());
        assertEquals("acme offboarding", event.get("details").get("reason").getStringValue());

        assertEquals(401, send(secured(foreignToken(jti, "acme"))).status(), "acme's token with that jti is revoked");
        assertEquals(502, send(secured(foreignToken(jti, "globex"))).status(), "globex's token with the same jti is not");
        assertEquals(502, send(secured(foreignToken(jti, null))).status(), "nor a token of no tenant");

        assertEnvelope(send(ContractRequest.get("/v1/tokens/" + jti).header("Authorization", "Bearer " + tenantAdmin("globex"))), 404,
            "not_found");
        assertEnvelope(send(ContractRequest.of("DELETE", "/v1/tokens/" + jti).header("Authorization", "Bearer " + tenantAdmin("globex"))),
            403, "forbidden");
    }

    @Test
    void requireAcceptingRoute_thenAPairNoRouteAcceptsIsRefused() {
        Map<String, Object> properties = properties();
        properties.put("gateway.tokens.require-accepting-route", true);
        properties.put("gateway.routes[0].id", "services");
        properties.put("gateway.routes[0].match.path", "/svc/{project}/**");
        properties.put("gateway.routes[0].claims.match.project", "{project}");
        properties.put("gateway.routes[0].claims.match.service", List.of("prefect", "api"));
        GatewayTransport strict = runtime().start(properties);
        try {
            ContractResponse accepted = strict.send(adminJson("POST", "/v1/tokens", "{\"project\":\"acme\",\"service\":\"api\"}"));
            assertEquals(201, accepted.status(), accepted.text());
            JsonNode refused = assertEnvelope(strict.send(adminJson("POST", "/v1/tokens", "{\"project\":\"acme\",\"service\":\"billing\"}")),
                400, "validation_failed");
            List<String> fields = new ArrayList<>();
            refused.get("details").get("violations").values().forEach(v -> fields.add(v.get("field").getStringValue()));
            assertEquals(List.of("project", "service"), fields);
        } finally {
            strict.close();
        }
    }

    @Test
    void unusableJti_then400() {
        assertEnvelope(send(admin(ContractRequest.of("DELETE", "/v1/tokens/" + "a".repeat(257)))), 400, "validation_failed");
    }

    @Test
    void revoke_thenShownRevokedAndRefusedAtOnceHere() {
        String jti = issue("{\"project\":\"alpha\",\"service\":\"orders\"}").get("jti").getStringValue();
        ContractResponse revoked = send(admin(ContractRequest.of("DELETE", "/v1/tokens/" + jti)));
        assertEquals(200, revoked.status(), revoked.text());
        assertFalse(revoked.json().get("revoked_at").getStringValue().isBlank());
        assertTrue(revokedOn(gateway, jti));
        assertEquals(200, send(admin(ContractRequest.of("DELETE", "/v1/tokens/" + jti))).status(), "revoking again is harmless");
    }

    @Test
    void revokedOnA_thenRefusedByBWithinOneSecond() {
        GatewayTransport b = runtime().start(properties());
        try {
            String jti = issue("{\"project\":\"alpha\",\"service\":\"orders\"}").get("jti").getStringValue();
            assertFalse(revokedOn(b, jti));
            assertEquals(200, send(admin(ContractRequest.of("DELETE", "/v1/tokens/" + jti))).status());
            long millis = millisUntil(() -> revokedOn(b, jti), 5000);
            assertTrue(millis >= 0 && millis <= 1000, "B refused after " + millis + " ms (-1: never)");
        } finally {
            b.close();
        }
    }

    @Test
    void revokedToken_thenRefusedOnJwtRoutesOfEveryInstanceWithinOneSecond() {
        GatewayTransport b = runtime().start(properties());
        try {
            JsonNode issued = issue("{\"project\":\"alpha\",\"service\":\"orders\"}");
            ContractRequest call = ContractRequest.get("/secured/orders").header("Authorization", "Bearer " + issued.get("token").getStringValue());
            assertEquals(502, send(call).status(), "admitted: the route's upstream is down");
            assertEquals(502, b.send(call).status(), "admitted by B too");
            assertEquals(200, send(admin(ContractRequest.of("DELETE", "/v1/tokens/" + issued.get("jti").getStringValue()))).status());
            long millis = millisUntil(() -> b.send(call).status() == 401, 5000);
            assertTrue(millis >= 0 && millis <= 1000, "B refused the revoked token after " + millis + " ms (-1: never)");
            ContractResponse refused = send(call);
            JsonNode error = assertEnvelope(refused, 401, "unauthorized");
            assertEquals("revoked", error.get("details").get("reason").getStringValue());
        } finally {
            b.close();
        }
    }

    @Test
    void cleanup_thenExpiredTokensDeleted() {
        String jti = issue("{\"project\":\"cleanup\",\"service\":\"short\",\"expires_in\":1}").get("jti").getStringValue();
        long millis = millisUntil(() -> {
            send(admin(ContractRequest.of("POST", "/v1/tokens/cleanup")));
            return send(admin(ContractRequest.get("/v1/tokens/" + jti))).status() == 404;
        }, 5000);
        assertTrue(millis >= 0, "the expired token was never cleaned up");
        ContractResponse cleanup = send(admin(ContractRequest.of("POST", "/v1/tokens/cleanup")));
        assertEquals(200, cleanup.status(), cleanup.text());
        assertTrue(cleanup.json().get("deleted").getIntValue() >= 0);
    }

    /** Asks a gateway, as a request carrying the token would, whether it knows the token as revoked. */
    private static boolean revokedOn(GatewayTransport transport, String jti) {
        ContractResponse response = transport.send(ContractRequest.get("/contract/identity/revoked/" + jti)
            .header("Authorization", "Bearer token-" + jti));
        assertEquals(200, response.status(), response.text());
        return response.json().get("revoked").getBooleanValue();
    }
}
