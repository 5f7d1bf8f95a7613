package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.testing.AuditRows;
import io.gatehouse.testing.DecisionServer;
import io.gatehouse.testing.DecisionServer.Answer;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit log, the same on Netty (the streaming engine decides) and both Lambda payloads (the
 * buffered engine and {@code RouteAccessFilter}): a JWT route's refusals and admissions and an
 * admin change are listed by {@code GET /admin/audit} with the request id the client got back,
 * and a route with {@code auth: none} records nothing.
 *
 * <p>On Lambda ({@link #storedBeforeResponse()}) every event is in {@code audit_events} by the
 * time the response is returned, read straight from the database; the container's background
 * writer stores it shortly after, so there the suite waits for it.
 */
public abstract class AuditContractTest extends IdentityContractSupport {

    private final TestUpstream upstream = TestUpstream.start();
    // Admits a principal whose subject is ada, with a reason either way.
    private final DecisionServer decisions = DecisionServer.start().policy("gatehouse/audit", input -> {
        Object principal = input.get("principal");
        boolean ada = principal instanceof Map<?, ?> p && "ada".equals(p.get("subject"));
        return Answer.decision(ada, ada ? "ada may" : "only ada");
    });

    /**
     * @return whether the runtime stores a request's audit events before its response is returned
     *         ({@code gateway.audit.mode: per-request}, Lambda)
     */
    protected boolean storedBeforeResponse() {
        return false;
    }

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.upstreams.audited.targets", List.of(upstream.url()));
        properties.put("gateway.routes[0].id", "audited");
        properties.put("gateway.routes[0].match.path", "/audited/**");
        properties.put("gateway.routes[0].upstream", "audited");
        properties.put("gateway.routes[0].auth", "jwt");
        properties.put("gateway.routes[0].authorization.roles", List.of("ops"));
        properties.put("gateway.routes[1].id", "unaudited");
        properties.put("gateway.routes[1].match.path", "/unaudited/**");
        properties.put("gateway.routes[1].upstream", "audited");
        properties.put("gateway.routes[1].auth", "none");
        properties.put("gateway.routes[2].id", "decided");
        properties.put("gateway.routes[2].match.path", "/decided/**");
        properties.put("gateway.routes[2].upstream", "audited");
        properties.put("gateway.routes[2].auth", "jwt");
        properties.put("gateway.routes[2].authorization.opa", "gatehouse/audit");
        properties.put("gateway.opa.url", decisions.url());
        properties.put("gateway.admin.roles", List.of("gatehouse-admin"));
        return properties;
    }

    @AfterAll
    void stopUpstream() {
        upstream.close();
        decisions.close();
    }

    private static String token(String subject, String role) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).claim("roles", List.of(role))
            .expirationTime(new java.util.Date(System.currentTimeMillis() + 3_600_000)).build();
        return io.gatehouse.testing.TestTokens.hmac(claims, new com.nimbusds.jose.JWSHeader(JWSAlgorithm.HS256),
            SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The events listed for a request id: at once where they are stored before the response, else once the writer caught up. */
    private List<JsonNode> events(String requestId) {
        List<JsonNode> found = new ArrayList<>();
        long millis = millisUntil(() -> {
            found.clear();
            ContractResponse response = send(admin(ContractRequest.get("/admin/audit?request_id=" + requestId)));
            assertEquals(200, response.status(), response.text());
            response.json().get("events").values().forEach(found::add);
            return !found.isEmpty();
        }, storedBeforeResponse() ? 1 : 5000);
        assertTrue(millis >= 0, "no audit event for " + requestId);
        return found;
    }

    private void assertStoredBeforeResponse(String requestId) throws SQLException {
        if (storedBeforeResponse()) {
            assertEquals(1, AuditRows.read(schema().url(), "postgres", requestId).size(),
                "in audit_events when the response for " + requestId + " was returned");
        }
    }

    @Test
    void badTokenOnJwtRoute_thenAuthenticationFailureListedWithTheRequestId() throws SQLException {
        String requestId = "audit-bad-" + UUID.randomUUID();
        ContractResponse response = send(ContractRequest.get("/audited/orders").header("X-Request-ID", requestId)
            .header("Authorization", "Bearer not.a.token"));
        assertEquals(401, response.status(), response.text());
        assertStoredBeforeResponse(requestId);

        List<JsonNode> events = events(requestId);
        assertEquals(1, events.size());
        JsonNode event = events.getFirst();
        assertEquals("authentication", event.get("category").getStringValue());
        assertEquals("route.access", event.get("action").getStringValue());
        assertEquals("deny", event.get("decision").getStringValue());
        assertEquals("malformed", event.get("reason").getStringValue());
        assertEquals("audited", event.get("route").getStringValue());
        assertEquals("GET", event.get("method").getStringValue());
        assertEquals("/audited/orders", event.get("path").getStringValue());
        assertEquals("jwt", event.get("principal").get("method").getStringValue());
    }

    @Test
    void requestWithoutAnId_thenEventCarriesTheIdTheGatewayAnswered() throws SQLException {
        ContractResponse response = send(ContractRequest.get("/audited/orders"));
        assertEquals(401, response.status(), response.text());
        String requestId = response.header("X-Request-ID").orElseThrow();
        assertStoredBeforeResponse(requestId);
        assertEquals("missing_credentials", events(requestId).getFirst().get("reason").getStringValue());
    }

    @Test
    void wrongRoleThenRightRole_thenDenyAndAllowWithThePrincipal() throws SQLException {
        String denied = "audit-denied-" + UUID.randomUUID();
        String allowed = "audit-allowed-" + UUID.randomUUID();
        assertEquals(403, send(ContractRequest.get("/audited/x").header("X-Request-ID", denied)
            .header("Authorization", "Bearer " + token("vic", "viewer"))).status());
        assertEquals(200, send(ContractRequest.get("/audited/x").header("X-Request-ID", allowed)
            .header("Authorization", "Bearer " + token("ada", "ops"))).status());
        assertStoredBeforeResponse(allowed);

        JsonNode refused = events(denied).getFirst();
        assertEquals("authorization", refused.get("category").getStringValue());
        assertEquals("missing_role", refused.get("reason").getStringValue());
        assertEquals("vic", refused.get("principal").get("subject").getStringValue());
        JsonNode admitted = events(allowed).getFirst();
        assertEquals("allow", admitted.get("decision").getStringValue());
        assertEquals("ada", admitted.get("principal").get("subject").getStringValue());
    }

    @Test
    void decisionServiceDeniesOrAllows_thenOneEventWithItsVerdict() throws SQLException {
        String denied = "audit-opa-denied-" + UUID.randomUUID();
        String allowed = "audit-opa-allowed-" + UUID.randomUUID();
        assertEquals(403, send(ContractRequest.get("/decided/x").header("X-Request-ID", denied)
            .header("Authorization", "Bearer " + token("vic", "ops"))).status());
        assertEquals(200, send(ContractRequest.get("/decided/x").header("X-Request-ID", allowed)
            .header("Authorization", "Bearer " + token("ada", "ops"))).status());
        assertStoredBeforeResponse(denied);
        assertStoredBeforeResponse(allowed);

        // The route's own rules admitted vic; the decision service refused: one event, deny.
        List<JsonNode> refused = events(denied);
        assertEquals(1, refused.size(), "one event per request, after the decision service answered");
        assertEquals("deny", refused.getFirst().get("decision").getStringValue());
        assertEquals("policy_denied", refused.getFirst().get("reason").getStringValue());
        assertEquals("vic", refused.getFirst().get("principal").get("subject").getStringValue());
        List<JsonNode> admitted = events(allowed);
        assertEquals(1, admitted.size());
        assertEquals("allow", admitted.getFirst().get("decision").getStringValue());
        assertEquals("ada", admitted.getFirst().get("principal").get("subject").getStringValue());
    }

    @Test
    void adminChange_thenListedWithTargetAndAdminPrincipal() throws SQLException {
        String requestId = "audit-admin-" + UUID.randomUUID();
        ContractResponse created = send(adminJson("PUT", "/admin/upstreams/audit-extra", "{\"targets\": [\"" + upstream.url() + "\"]}")
            .header("X-Request-ID", requestId));
        assertEquals(201, created.status(), created.text());
        assertStoredBeforeResponse(requestId);

        JsonNode event = events(requestId).getFirst();
        assertEquals("admin", event.get("category").getStringValue());
        assertEquals("upstream.create", event.get("action").getStringValue());
        assertEquals("upstream:audit-extra", event.get("target").getStringValue());
        assertEquals("admin", event.get("principal").get("subject").getStringValue());
    }

    @Test
    void keyCreatedWithoutABodyThenRotated_thenBothListedWithTheKeys() throws SQLException {
        assertEquals(201, send(adminJson("POST", "/admin/consumers", "{\"name\":\"audit-keys\"}")).status());
        String createdId = "audit-key-" + UUID.randomUUID();
        ContractResponse created = send(admin(ContractRequest.of("POST", "/admin/consumers/audit-keys/keys")).header("X-Request-ID", createdId));
        assertEquals(201, created.status(), created.text());
        assertStoredBeforeResponse(createdId);
        String keyId = created.json().get("id").getStringValue();
        JsonNode create = events(createdId).getFirst();
        assertEquals("api-key.create", create.get("action").getStringValue());
        assertEquals("api-key:" + keyId, create.get("target").getStringValue());
        assertEquals("audit-keys", create.get("details").get("consumer").getStringValue(), create.toString());

        String rotatedId = "audit-key-rotated-" + UUID.randomUUID();
        ContractResponse rotated = send(adminJson("POST", "/admin/consumers/audit-keys/keys", "{\"rotate\":\"" + keyId + "\"}")
            .header("X-Request-ID", rotatedId));
        assertEquals(201, rotated.status(), rotated.text());
        JsonNode rotate = events(rotatedId).getFirst();
        assertEquals("api-key.rotate", rotate.get("action").getStringValue());
        assertEquals("api-key:" + rotated.json().get("id").getStringValue(), rotate.get("target").getStringValue());
        assertEquals(keyId, rotate.get("details").get("rotated").getStringValue(), rotate.toString());
    }

    @Test
    void jwtWithoutAdminRoleOnAdminApi_thenRefusalListedWithItsSubject() throws SQLException {
        String requestId = "audit-admin-refused-" + UUID.randomUUID();
        ContractResponse refused = send(ContractRequest.get("/admin/routes").header("X-Request-ID", requestId)
            .header("Authorization", "Bearer " + token("mallory", "ops")));
        assertEquals(403, refused.status(), refused.text());
        assertStoredBeforeResponse(requestId);

        List<JsonNode> events = events(requestId);
        assertEquals(1, events.size(), "one event for a refused read of the admin API");
        JsonNode event = events.getFirst();
        assertEquals("authorization", event.get("category").getStringValue());
        assertEquals("admin.access", event.get("action").getStringValue());
        assertEquals("deny", event.get("decision").getStringValue());
        assertEquals("missing_role", event.get("reason").getStringValue());
        assertEquals("mallory", event.get("principal").get("subject").getStringValue());
        assertEquals("jwt", event.get("principal").get("method").getStringValue());
        assertEquals("/admin/routes", event.get("path").getStringValue());
    }

    @Test
    void openRoute_thenNothingRecorded() throws SQLException {
        String requestId = "audit-open-" + UUID.randomUUID();
        assertEquals(200, send(ContractRequest.get("/unaudited/x").header("X-Request-ID", requestId)).status());
        String marker = "audit-marker-" + UUID.randomUUID();
        send(ContractRequest.get("/audited/x").header("X-Request-ID", marker));
        events(marker);
        assertTrue(AuditRows.read(schema().url(), "postgres", requestId).isEmpty(), "an auth: none route records nothing");
    }
}
