package io.gatehouse.contract;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.testing.TestSchema;
import org.junit.jupiter.api.AfterAll;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

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
}
