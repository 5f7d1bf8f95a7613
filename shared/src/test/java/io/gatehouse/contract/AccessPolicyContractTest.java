package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.security.opa.OpaInput;
import io.gatehouse.testing.DecisionServer;
import io.gatehouse.testing.DecisionServer.Answer;
import io.gatehouse.testing.TestTokens;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.gatehouse.contract.FoundationContractTest.assertEnvelope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Route decisions beyond authentication, the same on Netty and both Lambda payloads: group allow
 * and deny lists, external decisions by a real OPA-compatible server on loopback (allowed, denied
 * with the policy's reason, a timeout failing closed and open, the exact input document with the
 * caller's credentials redacted, and forwarded on a route that asks for them), and
 * route tenancy (a literal tenant and a template over a path variable; the tenant read from the
 * first present of {@code gateway.jwt.tenant-claims}).
 *
 * <p>An admitted request is recognised by the {@code X-Test-Principal} header and by the upstream's
 * 200.
 */
public abstract class AccessPolicyContractTest extends ContractTestBase {

    private static final String PRINCIPAL_HEADER = "X-Test-Principal";
    private static final String API_KEY_SECRET = "gh_apikeysecret_4f1d";
    private static final String COOKIE_SECRET = "sessionsecret7c2e";
    private static final String QUERY_SECRET = "querysecret9b3a";

    private final DecisionServer decisions = DecisionServer.start()
        .policy("gatehouse/allow", AccessPolicyContractTest::onlyAlice)
        .policy("gatehouse/slow", input -> Answer.allow().after(4000));
    private final TestUpstream upstream = TestUpstream.start();

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.config-file", routesFile().toString());
        properties.put("gateway.jwt.secret", TestTokens.SECRET);
        properties.put("gateway.jwt.issuers", List.of(TestTokens.ISSUER));
        properties.put("gateway.jwt.tenant-claims", List.of("org", "tenant"));
        properties.put("gateway.opa.url", decisions.url());
        properties.put("gateway.opa.timeout", "1500ms");
        properties.put("gateway.route-access.principal-header", PRINCIPAL_HEADER);
        return properties;
    }

    @AfterAll
    void stopServers() {
        decisions.close();
        upstream.close();
    }

    @SuppressWarnings("unchecked")
    private static Answer onlyAlice(Map<String, Object> input) {
        Object subject = ((Map<String, Object>) input.get("principal")).get("subject");
        return "alice".equals(subject) ? Answer.decision(true, "alice may") : Answer.decision(false, "only alice may");
    }

    @ParameterizedTest(name = "{0} groups={1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "/acl-allow/x | partners      | 200 |",
        "/acl-allow/x | guests        | 403 | group_not_allowed",
        "/acl-deny/x  | gold          | 200 |",
        "/acl-deny/x  | gold,suspended | 403 | group_denied"})
    void groupLists_thenAdmittedOr403WithTheReason(String path, String groups, int status, String reason) {
        String token = token(TestTokens.claims("carol").claim("groups", List.of(groups.split(","))).build());
        ContractResponse response = send(ContractRequest.get(path).header("Authorization", "Bearer " + token));
        if (status == 200) {
            assertAdmitted(response, "jwt carol");
        } else {
            assertEquals(reason, assertEnvelope(response, 403, "forbidden").get("details").get("reason").getStringValue());
        }
    }

    @Test
    void policyAllowsAlice_thenAdmittedAndBobRefusedWithThePolicyReason() {
        assertAdmitted(send(ContractRequest.get("/opa/acme/items").header("Authorization", "Bearer " + token("alice"))), "jwt alice");
        JsonNode refused = assertEnvelope(send(ContractRequest.get("/opa/acme/items").header("Authorization", "Bearer " + token("bob"))),
            403, "forbidden");
        JsonNode details = refused.get("details");
        assertEquals("policy_denied", details.get("reason").getStringValue());
        assertEquals("gatehouse/allow", details.get("policy").getStringValue());
        assertEquals("only alice may", details.get("policy_reason").getStringValue());
    }

    @Test
    @SuppressWarnings("unchecked")
    void decision_thenTheInputDocumentIsTheSameOnEveryRuntime() {
        int before = decisions.inputs("gatehouse/allow").size();
        ContractResponse response = send(ContractRequest.get("/opa/acme/items?tag=a&tag=b")
            .header("Authorization", "Bearer " + token(TestTokens.claims("alice").claim("roles", List.of("ops"))
                .claim("scope", "orders:read").claim("org", "acme").build()))
            .header("X-API-Key", "gh_not_for_the_policy")
            .header("X-Trace", "trace-1")
            .cookie("session=not-for-the-policy"));
        assertAdmitted(response, "jwt alice");
        List<Map<String, Object>> inputs = decisions.inputs("gatehouse/allow");
        assertEquals(before + 1, inputs.size());
        Map<String, Object> input = inputs.getLast();
        Map<String, Object> request = (Map<String, Object>) input.get("request");
        assertEquals("GET", request.get("method"));
        assertEquals("/opa/acme/items", request.get("path"));
        assertEquals(Map.of("tag", List.of("a", "b")), request.get("query"));
        Map<String, Object> headers = (Map<String, Object>) request.get("headers");
        assertEquals("trace-1", headers.get("x-trace"));
        for (String credential : List.of("authorization", "cookie", "x-api-key")) {
            assertEquals(OpaInput.REDACTED, headers.get(credential), credential + " shown to the policy: " + headers);
        }
        assertEquals(Map.of("id", "opa", "variables", Map.of("project", "acme")), input.get("route"));
        Map<String, Object> principal = (Map<String, Object>) input.get("principal");
        assertEquals(true, principal.get("authenticated"));
        assertEquals("alice", principal.get("subject"));
        assertEquals("jwt", principal.get("method"));
        assertEquals(List.of("ops"), principal.get("roles"));
        assertEquals(List.of("orders:read"), principal.get("scopes"));
        assertEquals("acme", principal.get("tenant"));
        assertEquals("acme", ((Map<String, Object>) principal.get("claims")).get("org"));
    }

    /**
     * Every credential of one request, as the client sends it. Not {@code Proxy-Authorization}: the
     * JDK's HttpClient drops it from a request that goes through no proxy, so Netty would never see
     * it; OpaClientTest redacts it.
     */
    private ContractRequest withCredentials(String path, String token) {
        return ContractRequest.get(path + "?access_token=" + QUERY_SECRET + "&tag=a")
            .header("Authorization", "Bearer " + token)
            .header("X-API-Key", API_KEY_SECRET)
            .header("X-Trace", "trace-2")
            .cookie("session=" + COOKIE_SECRET);
    }

    @Test
    @SuppressWarnings("unchecked")
    void credentialsInHeadersAndQuery_thenNoSecretAnywhereInTheInputAndMarkersInTheirPlace() {
        String token = token("alice");
        int before = decisions.bodies("gatehouse/allow").size();
        assertAdmitted(send(withCredentials("/opa/acme/items", token)), "jwt alice");
        List<String> bodies = decisions.bodies("gatehouse/allow");
        assertEquals(before + 1, bodies.size());
        String body = bodies.getLast();
        for (String secret : List.of(token, API_KEY_SECRET, COOKIE_SECRET, QUERY_SECRET)) {
            assertFalse(body.contains(secret), "the secret " + secret + " reached the decision service: " + body);
        }
        Map<String, Object> request = (Map<String, Object>) decisions.inputs("gatehouse/allow").getLast().get("request");
        Map<String, Object> headers = (Map<String, Object>) request.get("headers");
        for (String credential : List.of("authorization", "cookie", "x-api-key")) {
            assertEquals(OpaInput.REDACTED, headers.get(credential), credential + ": " + headers);
        }
        assertEquals("trace-2", headers.get("x-trace"));
        assertEquals(Map.of("access_token", List.of(OpaInput.REDACTED), "tag", List.of("a")), request.get("query"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void routeForwardingCredentials_thenThePolicySeesThemAsSent() {
        String token = token("alice");
        assertAdmitted(send(withCredentials("/opa-forward/acme/items", token)), "jwt alice");
        Map<String, Object> request = (Map<String, Object>) decisions.inputs("gatehouse/allow").getLast().get("request");
        assertEquals("/opa-forward/acme/items", request.get("path"));
        Map<String, Object> headers = (Map<String, Object>) request.get("headers");
        assertEquals("Bearer " + token, headers.get("authorization"));
        assertEquals(API_KEY_SECRET, headers.get("x-api-key"));
        assertEquals("session=" + COOKIE_SECRET, headers.get("cookie"));
        assertEquals("trace-2", headers.get("x-trace"));
        assertEquals(Map.of("access_token", List.of(QUERY_SECRET), "tag", List.of("a")), request.get("query"));
    }

    @Test
    void slowDecision_then503FailingClosedAndAdmittedFailingOpen() {
        String token = token("alice");
        JsonNode closed = assertEnvelope(send(ContractRequest.get("/opa-slow/x").header("Authorization", "Bearer " + token)),
            503, "service_unavailable");
        assertEquals("policy_unavailable", closed.get("details").get("reason").getStringValue());
        assertEquals("timeout", closed.get("details").get("cause").getStringValue());
        assertAdmitted(send(ContractRequest.get("/opa-open/x").header("Authorization", "Bearer " + token)), "jwt alice");
    }

    @ParameterizedTest(name = "{0} by tenant {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "/acme-only/x   | acme   | 200",
        "/acme-only/x   | globex | 403",
        "/acme-only/x   |        | 403",
        "/tenants/acme/x | acme   | 200",
        "/tenants/acme/x | globex | 403"})
    void routeTenant_thenCrossTenantCallsRefused(String path, String tenant, int status) {
        JWTClaimsSet.Builder claims = TestTokens.claims("dave");
        if (tenant != null) {
            claims.claim("org", tenant);
        }
        ContractResponse response = send(ContractRequest.get(path).header("Authorization", "Bearer " + token(claims.build())));
        if (status == 200) {
            assertAdmitted(response, "jwt dave");
        } else {
            JsonNode refused = assertEnvelope(response, 403, "forbidden");
            assertEquals("tenant_mismatch", refused.get("details").get("reason").getStringValue());
        }
    }

    private static void assertAdmitted(ContractResponse response, String principal) {
        assertEquals(200, response.status(), response.text());
        assertEquals("upstream ok", response.text());
        assertEquals(principal, response.header(PRINCIPAL_HEADER).orElse(null));
    }

    private static String token(String subject) {
        return token(TestTokens.claims(subject).build());
    }

    private static String token(JWTClaimsSet claims) {
        return TestTokens.hmac(claims, JWSAlgorithm.HS256);
    }

    private Path routesFile() {
        String yaml = """
            upstreams:
              svc:
                targets: ["%s"]
            routes:
              - id: acl-allow
                match: { path: "/acl-allow/**" }
                upstream: svc
                authorization: { groups: { allow: [partners] } }
              - id: acl-deny
                match: { path: "/acl-deny/**" }
                upstream: svc
                authorization: { groups: { deny: [suspended] } }
              - id: opa
                match: { path: "/opa/{project}/**" }
                upstream: svc
                auth: jwt
                authorization: { opa: gatehouse/allow }
              - id: opa-forward
                match: { path: "/opa-forward/{project}/**" }
                upstream: svc
                auth: jwt
                authorization: { opa: { path: gatehouse/allow, forward-credentials: true } }
              - id: opa-slow
                match: { path: "/opa-slow/**" }
                upstream: svc
                authorization: { opa: gatehouse/slow }
              - id: opa-open
                match: { path: "/opa-open/**" }
                upstream: svc
                authorization: { opa: { path: gatehouse/slow, failure-mode-allow: true } }
              - id: acme-only
                match: { path: "/acme-only/**" }
                upstream: svc
                tenant: acme
              - id: tenants
                match: { path: "/tenants/{tenant}/**" }
                upstream: svc
                tenant: "{tenant}"
            """.formatted(upstream.url());
        try {
            Path file = Files.createTempFile("gatehouse-access-policy-contract", ".yml");
            Files.writeString(file, yaml);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
