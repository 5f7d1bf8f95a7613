package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.TestRoutes;
import io.gatehouse.testing.TestUpstream;
import io.gatehouse.testing.TestTokens;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * When the database, a critical dependency, cannot be reached: {@code /v1/health} answers 503 and
 * {@code down}, what needs the database is refused with the 503 envelope naming the store and a
 * {@code Retry-After} (session intake and history, token issuance), and what does not keeps
 * working (a route whose JWTs are verified locally). The rows "PostgreSQL" of
 * {@code docs/reliability.md}'s table of failure modes.
 */
public abstract class HealthDownContractTest extends ContractTestBase {

    private static final String SECRET = "health-down-jwt-secret-0123456789abcdef";

    private final EchoUpstream upstream = EchoUpstream.start("orders");

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:" + TestUpstream.closedPort() + "/test");
        properties.put("datasources.default.username", "postgres");
        properties.put("datasources.default.connection-timeout", 500);
        properties.put("gateway.health.timeout", "1500ms");
        properties.put("gateway.jwt.secret", SECRET);
        properties.put("gateway.upstreams.orders.targets", List.of(upstream.url()));
        TestRoutes.put(properties, 0, "orders", "/orders/**", "orders", Map.of("auth", "jwt"));
        return properties;
    }

    @AfterAll
    void stopUpstream() {
        upstream.close();
    }

    @Test
    void criticalDependencyDown_then503Down() {
        ContractResponse response = send(ContractRequest.get("/v1/health"));
        assertEquals(503, response.status(), response.text());
        JsonNode body = response.json();
        assertEquals("down", body.get("status").getStringValue());
        assertEquals("distributed", body.get("mode").getStringValue());
        assertEquals("down", body.get("checks").get("database").get("status").getStringValue());
        assertEquals(200, send(ContractRequest.get("/ping")).status());
    }

    @Test
    void databaseDown_thenSessionsRefused503WithRetryAfter_jwtRouteStillAdmitted() {
        String token = TestTokens.hmac(TestTokens.claims("alice").build(), new JWSHeader(JWSAlgorithm.HS256),
            SECRET.getBytes(StandardCharsets.UTF_8));
        for (ContractRequest request : List.of(
            ContractRequest.of("POST", "/v1/session/message").header("Authorization", "Bearer " + token)
                .body("application/json", "{\"message\":\"hello\"}"),
            ContractRequest.get("/v1/session/s_01JF3Z8W5M3B7C9D1E2F4G6H8J/events").header("Authorization", "Bearer " + token))) {
            ContractResponse refused = send(request);
            assertEquals(503, refused.status(), refused.text());
            JsonNode error = refused.json().get("error");
            assertEquals("service_unavailable", error.get("code").getStringValue(), error.toString());
            assertEquals("database", error.get("details").get("store").getStringValue(), error.toString());
            assertEquals("1", refused.header("Retry-After").orElse(null), "a client may retry: nothing was stored");
        }
        ContractResponse routed = send(ContractRequest.get("/orders/7").header("Authorization", "Bearer " + token));
        assertEquals(200, routed.status(), "a JWT is verified without the database: " + routed.text());
    }
}
