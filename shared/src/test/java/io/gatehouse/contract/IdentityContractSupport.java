package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.testing.TestSchema;
import io.gatehouse.testing.TestTokens;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The base of the identity suites: a gateway over a PostgreSQL schema of the suite's own and the
 * real Redis, with an admin token and a signing secret.
 */
public abstract class IdentityContractSupport extends ContractTestBase {

    /** The admin token of the gateway under test. */
    protected static final String ADMIN = "contract-admin-token-7f3a";

    /** The signing secret of the gateway under test. */
    protected static final String SECRET = "contract-jwt-secret-0123456789abcdef0123";

    private TestSchema schema;

    /**
     * @return this suite's schema, created on first use
     */
    protected synchronized TestSchema schema() {
        if (schema == null) {
            schema = TestSchema.create(getClass().getSimpleName().replaceAll("[^A-Za-z]", "").toLowerCase(java.util.Locale.ROOT));
        }
        return schema;
    }

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.putAll(schema().properties());
        properties.put("gateway.admin.token", ADMIN);
        properties.put("gateway.jwt.secret", SECRET);
        properties.put("gateway.oauth.secret-iterations", 1000);
        return properties;
    }

    @AfterAll
    void dropSchema() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
        if (schema != null) {
            schema.close();
        }
    }

    /**
     * @param request a request
     * @return it with the admin credential
     */
    protected static ContractRequest admin(ContractRequest request) {
        return request.header("Authorization", "Bearer " + ADMIN);
    }

    /**
     * @param method the method
     * @param path   the path
     * @param json   the JSON body
     * @return an admin request with the body
     */
    protected static ContractRequest adminJson(String method, String path, String json) {
        return admin(ContractRequest.of(method, path).body("application/json", json));
    }

    /**
     * @param subject the subject
     * @param tenant  the {@code tenant} claim, or {@code null} for none
     * @param roles   the {@code roles} claim, left out when empty
     * @return a JWT signed with {@link #SECRET} (HS256) that the gateway under test accepts
     */
    protected static String jwt(String subject, String tenant, String... roles) {
        JWTClaimsSet.Builder claims = TestTokens.claims(subject);
        if (tenant != null) {
            claims.claim("tenant", tenant);
        }
        if (roles.length > 0) {
            claims.claim("roles", List.of(roles));
        }
        return TestTokens.hmac(claims.build(), new JWSHeader(JWSAlgorithm.HS256), SECRET.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param token a compact JWS
     * @return its claims, after checking the HS256 signature with the gateway's secret
     */
    protected static Map<String, Object> verifiedClaims(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            assertTrue(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8))), "signature");
            return jwt.getJWTClaimsSet().getClaims();
        } catch (Exception e) {
            throw new AssertionError("not a valid token: " + token, e);
        }
    }

    /**
     * Polls until the condition holds.
     *
     * @param condition the condition
     * @param deadlineMillis how long to try
     * @return the milliseconds it took, or -1 when the deadline passed
     */
    protected static long millisUntil(Supplier<Boolean> condition, long deadlineMillis) {
        return io.gatehouse.testing.Await.millisUntil(condition, deadlineMillis);
    }

    /**
     * @param requestId a request's id
     * @return the one audit event of that request, once the runtime's writer has stored it
     */
    protected JsonNode auditEvent(String requestId) {
        List<JsonNode> found = new ArrayList<>();
        long millis = millisUntil(() -> {
            found.clear();
            ContractResponse listed = send(admin(ContractRequest.get("/admin/audit?request_id=" + requestId)));
            assertEquals(200, listed.status(), listed.text());
            listed.json().get("events").values().forEach(found::add);
            return !found.isEmpty();
        }, 5000);
        assertTrue(millis >= 0, "no audit event for " + requestId);
        assertEquals(1, found.size(), "one event per request");
        return found.getFirst();
    }

    /**
     * @param response a response
     * @param name     a cookie's name
     * @return the {@code Set-Cookie} header that sets it, whole
     */
    protected static String setCookie(ContractResponse response, String name) {
        return response.setCookies().stream().filter(c -> c.startsWith(name + "=")).findFirst()
            .orElseThrow(() -> new AssertionError("no Set-Cookie for " + name + " among " + response.setCookies()));
    }

    /**
     * The settings of a login against the run's Keycloak as the login suites drive it: the session
     * secret, {@code redirect-base-url} (the browser does not follow Keycloak's redirect there but
     * hands its path and query to the runtime), the provider {@code keycloak} (client
     * {@code gatehouse-sso}, realm roles), tenants from the {@code tenant} claim, and the
     * principal header.
     *
     * @param properties      the suite's properties
     * @param issuer          Keycloak's issuer
     * @param base            the redirect base URL
     * @param principalHeader the header naming how an admitted request was authenticated
     */
    protected static void keycloakLogin(Map<String, Object> properties, String issuer, String base, String principalHeader) {
        properties.put("gateway.session.secret", SessionContractTest.SESSION_SECRET);
        properties.put("gateway.sso.redirect-base-url", base);
        properties.put("gateway.sso.providers.keycloak.issuer", issuer);
        properties.put("gateway.sso.providers.keycloak.client-id", "gatehouse-sso");
        properties.put("gateway.sso.providers.keycloak.client-secret", "gatehouse-sso-secret");
        properties.put("gateway.sso.providers.keycloak.roles-claim", "realm_access.roles");
        properties.put("gateway.jwt.tenant-claims", List.of("tenant"));
        properties.put("gateway.route-access.principal-header", principalHeader);
    }
}
