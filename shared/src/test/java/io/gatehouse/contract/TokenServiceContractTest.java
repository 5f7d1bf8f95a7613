package io.gatehouse.contract;

import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
 * both Lambda payloads.
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
        return properties;
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
            Arguments.of("the maximum", "\"ttl\":\"365d\"", 365L * 24 * 3600));
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
            Arguments.of("negative expires_in", "{\"project\":\"alpha\",\"service\":\"orders\",\"expires_in\":-5}", "expires_in"));
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
    void revokeUnknown_then404Envelope() {
        assertEnvelope(send(admin(ContractRequest.of("DELETE", "/v1/tokens/0123456789abcdef"))), 404, "not_found");
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
            return send(admin(ContractRequest.of("DELETE", "/v1/tokens/" + jti))).status() == 404;
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
