package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.TestRoutes;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code session} method over HTTP semantics, the same on Netty and both Lambda payloads: a
 * session cookie is checked in memory (signature, issuer, audience, expiry, revocation), so routes
 * with {@code auth: session} and {@code auth: any} admit it on Lambda as in the container, and
 * the same claim and role rules apply as to tokens.
 *
 * <p>Session values are signed here with the suite's {@code gateway.session.secret}, as the login
 * would sign them (the login itself, which needs a browser and Keycloak, is proved on Netty by
 * {@code NettyOidcLoginTest}). For logout, a session value carries the {@code jti} of a token the
 * suite issued through {@code /v1/tokens}, so that the gateway knows the id it must revoke.
 */
public abstract class SessionContractTest extends IdentityContractSupport {

    /** The session secret of the gateway under test. */
    public static final String SESSION_SECRET = "contract-session-secret-0123456789abcdef";

    private static final String PRINCIPAL_HEADER = "X-Test-Principal";

    private final EchoUpstream upstream = EchoUpstream.start("app");

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.session.secret", SESSION_SECRET);
        properties.put("gateway.route-access.principal-header", PRINCIPAL_HEADER);
        properties.put("gateway.upstreams.app.targets", List.of(upstream.url()));
        TestRoutes.put(properties, 0, "app", "/app/**", "app", Map.of("auth", "session", "claims.forward.email", "X-User-Email"));
        TestRoutes.put(properties, 1, "members", "/members/**", "app", Map.of("auth", "session", "authorization.roles", List.of("member")));
        TestRoutes.put(properties, 2, "any", "/any/**", "app", Map.of("auth", "any"));
        TestRoutes.put(properties, 3, "tenant", "/t/{tenant}/**", "app", Map.of("auth", "session", "claims.match.tenant", "{tenant}"));
        return properties;
    }

    @AfterAll
    void stopUpstream() {
        upstream.close();
    }

    @Test
    void sessionCookie_thenAdmittedWithClaimsForwardedAndForgedOnesReplaced() {
        ContractResponse response = send(ContractRequest.get("/app/home").header("X-User-Email", "mallory@example.com")
            .cookie("gatehouse_session=" + session("s-1", "u_alice", List.of("member"))));
        assertEquals(200, response.status(), response.text());
        assertEquals("session u_alice", response.header(PRINCIPAL_HEADER).orElse(null));
        JsonNode email = response.json().get("headers").get("x-user-email");
        assertTrue(email != null && email.size() == 1 && "alice@example.com".equals(email.get(0).getStringValue()), response.text());
    }

    @Test
    void noCookie_then401EnvelopeWithCookieChallenge() {
        int before = upstream.requests();
        ContractResponse response = send(ContractRequest.get("/app/home"));
        assertEquals(401, response.status(), response.text());
        JsonNode error = envelope(response, "unauthorized");
        assertEquals("missing_credentials", error.get("details").get("reason").getStringValue());
        assertEquals("Cookie realm=\"gatehouse\", cookie-name=\"gatehouse_session\"", response.header("WWW-Authenticate").orElseThrow());
        assertEquals(before, upstream.requests(), "nothing forwarded");
    }

    static Stream<Arguments> invalidSessions() {
        String valid = session("s-2", "u_alice", List.of("member"));
        String expired = sign(claims("s-3", "u_alice", List.of()).expirationTime(Date.from(Instant.now().minusSeconds(5))), SESSION_SECRET);
        String otherSecret = sign(claims("s-4", "u_alice", List.of()), "another-session-secret-0123456789abcdef");
        String wrongAudience = sign(claims("s-5", "u_alice", List.of()).audience("gatehouse"), SESSION_SECRET);
        return Stream.of(
            Arguments.of("tampered signature", valid.substring(0, valid.length() - 2) + (valid.endsWith("AA") ? "BB" : "AA"), "bad_signature"),
            Arguments.of("expired", expired, "expired"),
            Arguments.of("signed with another secret", otherSecret, "bad_signature"),
            Arguments.of("a token for another audience", wrongAudience, "wrong_audience"),
            Arguments.of("not a JWT", "hello", "malformed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSessions")
    void invalidSessionCookie_then401WithReason(String name, String value, String reason) {
        ContractResponse response = send(ContractRequest.get("/app/home").cookie("gatehouse_session=" + value));
        assertEquals(401, response.status(), response.text());
        JsonNode error = envelope(response, "unauthorized");
        assertEquals("session", error.get("details").get("auth").getStringValue());
        assertEquals(reason, error.get("details").get("reason").getStringValue());
        assertTrue(response.header(PRINCIPAL_HEADER).isEmpty());
    }

    @Test
    void roleRule_thenAppliedToSessions() {
        ContractResponse member = send(ContractRequest.get("/members/x").cookie("gatehouse_session=" + session("s-6", "u_alice", List.of("member"))));
        assertEquals(200, member.status(), member.text());
        ContractResponse other = send(ContractRequest.get("/members/x").cookie("gatehouse_session=" + session("s-7", "u_bob", List.of("guest"))));
        assertEquals(403, other.status(), other.text());
        assertEquals("missing_role", envelope(other, "forbidden").get("details").get("reason").getStringValue());
    }

    @Test
    void tenantClaimRule_thenMatchedAgainstThePath() {
        String cookie = "gatehouse_session=" + session("s-8", "u_alice", List.of());
        assertEquals(200, send(ContractRequest.get("/t/acme/x").cookie(cookie)).status());
        ContractResponse other = send(ContractRequest.get("/t/globex/x").cookie(cookie));
        assertEquals(403, other.status(), other.text());
        assertEquals("claim_mismatch", envelope(other, "forbidden").get("details").get("reason").getStringValue());
    }

    @Test
    void anyRoute_thenAdmitsASession() {
        ContractResponse response = send(ContractRequest.get("/any/x").cookie("gatehouse_session=" + session("s-9", "u_alice", List.of())));
        assertEquals(200, response.status(), response.text());
        assertEquals("session u_alice", response.header(PRINCIPAL_HEADER).orElse(null));
    }

    @Test
    void sessionEndpoint_thenShowsTheUserOr401() {
        ContractResponse response = send(ContractRequest.get("/v1/auth/session").cookie("gatehouse_session=" + session("s-10", "u_alice", List.of("member"))));
        assertEquals(200, response.status(), response.text());
        JsonNode body = response.json();
        assertEquals("u_alice", body.get("user_id").getStringValue());
        assertEquals("acme", body.get("tenant").getStringValue());
        assertEquals("member", body.get("roles").get(0).getStringValue());
        assertEquals("unauthorized", envelope(send(ContractRequest.get("/v1/auth/session")), "unauthorized").get("code").getStringValue());
    }

    @Test
    void logout_thenCookieClearedAndSessionRefused() {
        ContractResponse issued = send(adminJson("POST", "/v1/tokens", "{\"project\":\"web\",\"service\":\"session\"}"));
        assertEquals(201, issued.status(), issued.text());
        String jti = issued.json().get("jti").getStringValue();
        String cookie = "gatehouse_session=" + session(jti, "u_alice", List.of());
        assertEquals(200, send(ContractRequest.get("/app/x").cookie(cookie)).status());

        ContractResponse logout = send(ContractRequest.of("POST", "/v1/auth/logout").cookie(cookie));
        assertEquals(200, logout.status(), logout.text());
        assertTrue(logout.json().get("logged_out").getBooleanValue());
        String cleared = logout.setCookies().stream().filter(c -> c.startsWith("gatehouse_session=")).findFirst().orElseThrow();
        assertTrue(cleared.contains("Max-Age=0"), cleared);

        ContractResponse after = send(ContractRequest.get("/app/x").cookie(cookie));
        assertEquals(401, after.status(), after.text());
        assertEquals("revoked", envelope(after, "unauthorized").get("details").get("reason").getStringValue());
    }

    @Test
    void logoutLinkFollowedFromAnotherSite_thenRefusedAndTheSessionKept() {
        ContractResponse issued = send(adminJson("POST", "/v1/tokens", "{\"project\":\"web\",\"service\":\"session-link\"}"));
        assertEquals(201, issued.status(), issued.text());
        String cookie = "gatehouse_session=" + session(issued.json().get("jti").getStringValue(), "u_alice", List.of());

        ContractResponse forged = send(ContractRequest.get("/v1/auth/logout").cookie(cookie).header("Sec-Fetch-Site", "cross-site"));
        assertEquals("cross_site_logout", envelope(forged, "forbidden").get("details").get("reason").getStringValue());
        assertEquals(403, forged.status());
        assertTrue(forged.setCookies().stream().noneMatch(c -> c.startsWith("gatehouse_session=")), forged.setCookies().toString());
        assertEquals(200, send(ContractRequest.get("/app/x").cookie(cookie)).status(), "the session survives a forged link");

        ContractResponse own = send(ContractRequest.get("/v1/auth/logout").cookie(cookie).header("Sec-Fetch-Site", "same-origin"));
        assertEquals(302, own.status(), own.text());
        assertEquals(401, send(ContractRequest.get("/app/x").cookie(cookie)).status(), "a link of the site itself logs out");
    }

    /**
     * @param sid   the session's id
     * @param user  its user
     * @param roles its roles
     * @return a session cookie's value for tenant {@code acme}, signed with {@link #SESSION_SECRET}
     */
    public static String session(String sid, String user, List<String> roles) {
        return sign(claims(sid, user, roles), SESSION_SECRET);
    }

    private static JWTClaimsSet.Builder claims(String sid, String user, List<String> roles) {
        return new JWTClaimsSet.Builder().subject(user).jwtID(sid).claim("sid", sid).issuer("gatehouse").audience("gatehouse-session")
            .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600)))
            .claim("provider", "keycloak").claim("provider_sub", "kc-" + user).claim("email", "alice@example.com")
            .claim("roles", roles).claim("tenant", "acme");
    }

    private static String sign(JWTClaimsSet.Builder claims, String secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode envelope(ContractResponse response, String code) {
        assertEquals("application/json", response.mediaType());
        JsonNode error = response.json().get("error");
        assertEquals(code, error.get("code").getStringValue());
        assertFalse(error.get("message").getStringValue().isBlank());
        return error;
    }
}
