package io.gatehouse.container;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.testing.Await;
import io.gatehouse.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session API in the embedded default, as {@code bin/gatehouse run} starts it: no PostgreSQL,
 * Redis or Kafka, H2 in memory and the in-process bus. The same SQL runs on H2 (the relay's
 * {@code FOR UPDATE} claim included, and an {@code Idempotency-Key} per caller and tenant), and
 * {@code /v1/health} says the instance is embedded.
 */
class EmbeddedSessionsTest {

    private static final String SECRET = "embedded-sessions-secret-0123456789abcdef";

    @Test
    void embeddedDefault_thenIntakeRelayAndHistoryWorkOnOneNode() {
        String token = TestTokens.hmac(TestTokens.claims("alice").build(), new JWSHeader(JWSAlgorithm.HS256),
            SECRET.getBytes(StandardCharsets.UTF_8));
        GatewayTransport gateway = new NettyRuntime().start(Map.of("gateway.jwt.secret", SECRET,
            "datasources.default.url", "jdbc:h2:mem:embedded-sessions;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE"));
        try {
            ContractResponse health = gateway.send(ContractRequest.get("/v1/health"));
            assertEquals("embedded", health.json().get("mode").getStringValue(), health.text());
            ContractResponse accepted = gateway.send(ContractRequest.of("POST", "/v1/session/message")
                .header("Authorization", "Bearer " + token).body("application/json", "{\"message\":\"on one node\"}"));
            assertEquals(202, accepted.status(), accepted.text());
            String session = accepted.json().get("session_id").getStringValue();
            assertEquals(202, gateway.send(ContractRequest.of("POST", "/v1/session/action").header("Authorization", "Bearer " + token)
                .body("application/json", "{\"session_id\":\"" + session + "\",\"action\":\"next_steps\"}")).status());
            ContractResponse history = gateway.send(ContractRequest.get("/v1/session/" + session + "/events")
                .header("Authorization", "Bearer " + token));
            assertEquals(2, history.json().get("events").size(), history.text());
            assertTrue(Await.millisUntil(() -> metric(gateway, "gatehouse_outbox_published_total{bus=\"local\"") >= 2, 10_000) >= 0,
                "the relay publishes both rows to the in-process bus");

            // An Idempotency-Key on H2: a retry answers the first event; jwt:alice of a tenant is another caller.
            ContractResponse first = keyed(gateway, token);
            ContractResponse retry = keyed(gateway, token);
            assertEquals(first.json(), retry.json(), retry.text());
            assertEquals("true", retry.header("Idempotent-Replayed").orElse(null));
            ContractResponse tenants = keyed(gateway, TestTokens.hmac(TestTokens.claims("alice").claim("tenant", "acme").build(),
                new JWSHeader(JWSAlgorithm.HS256), SECRET.getBytes(StandardCharsets.UTF_8)));
            assertEquals(202, tenants.status(), tenants.text());
            assertEquals(null, tenants.header("Idempotent-Replayed").orElse(null), tenants.text());
            assertNotEquals(first.json().get("event_id"), tenants.json().get("event_id"));
        } finally {
            gateway.close();
        }
    }

    private static ContractResponse keyed(GatewayTransport gateway, String token) {
        ContractResponse response = gateway.send(ContractRequest.of("POST", "/v1/session/message").header("Authorization", "Bearer " + token)
            .header("Idempotency-Key", "embedded-key").body("application/json", "{\"message\":\"once\"}"));
        assertEquals(202, response.status(), response.text());
        return response;
    }

    private static double metric(GatewayTransport gateway, String prefix) {
        for (String line : gateway.send(ContractRequest.get("/metrics")).text().split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
