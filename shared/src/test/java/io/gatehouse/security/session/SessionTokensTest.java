package io.gatehouse.security.session;

import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.security.jwt.InvalidTokenException;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session secret: too short stops start-up, absent is generated (and then another instance
 * refuses this one's sessions); sealed login state cannot be read, changed or kept past its time.
 */
class SessionTokensTest {

    private static final String SECRET = "session-tokens-test-secret-0123456789abcdef";

    @Test
    void shortSecret_thenStartUpFails() {
        Exception e = assertThrows(Exception.class, () -> ApplicationContext.run(Map.of("gateway.session.secret", "too-short")).close());
        String messages = e + " " + e.getCause();
        assertTrue(messages.contains("gateway.session.secret must be at least 32 bytes"), messages);
    }

    @Test
    void noSecret_thenGeneratedAndNotSharedBetweenInstances() {
        SessionTokens one = tokens(null);
        SessionTokens two = tokens(null);
        assertTrue(one.generatedSecret());
        String value = one.sign(session());
        assertEquals("u_1", one.verify(value).getSubject());
        InvalidTokenException refused = assertThrows(InvalidTokenException.class, () -> two.verify(value));
        assertEquals(InvalidTokenException.Reason.BAD_SIGNATURE, refused.reason());
    }

    @Test
    void sameConfiguredSecret_thenSessionsSharedBetweenInstances() {
        SessionTokens one = tokens(SECRET);
        assertFalse(one.generatedSecret());
        assertEquals("u_1", tokens(SECRET).verify(one.sign(session())).getSubject());
    }

    @Test
    void sealedState_thenOpaqueTamperEvidentAndExpiring() {
        SessionTokens tokens = tokens(SECRET);
        String sealed = tokens.seal(new JWTClaimsSet.Builder().claim("verifier", "secret-verifier")
            .expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
        assertFalse(new String(java.util.Base64.getUrlDecoder().decode(sealed.split("\\.")[3]), java.nio.charset.StandardCharsets.ISO_8859_1)
            .contains("secret-verifier"), "the verifier is encrypted");
        assertEquals("secret-verifier", tokens.open(sealed).getClaim("verifier"));

        String tampered = sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("AA") ? "BB" : "AA");
        assertEquals(InvalidTokenException.Reason.BAD_SIGNATURE, assertThrows(InvalidTokenException.class, () -> tokens.open(tampered)).reason());
        assertEquals(InvalidTokenException.Reason.BAD_SIGNATURE,
            assertThrows(InvalidTokenException.class, () -> tokens(null).open(sealed)).reason(), "another secret cannot open it");
        String expired = tokens.seal(new JWTClaimsSet.Builder().expirationTime(Date.from(Instant.now().minusSeconds(1))).build());
        assertEquals(InvalidTokenException.Reason.EXPIRED, assertThrows(InvalidTokenException.class, () -> tokens.open(expired)).reason());
    }

    @Test
    void sessionValue_thenCarriesTheSessionIssuerAndAudience() {
        SessionTokens tokens = tokens(SECRET);
        String value = tokens.sign(session());
        JWTClaimsSet claims = tokens.verify(value);
        assertEquals(SessionTokens.AUDIENCE, claims.getAudience().getFirst());
        assertEquals(SessionTokens.ISSUER, claims.getIssuer());
    }

    private static JWTClaimsSet session() {
        return new JWTClaimsSet.Builder().subject("u_1").jwtID("sid-1").expirationTime(Date.from(Instant.now().plusSeconds(60))).build();
    }

    private static SessionTokens tokens(String secret) {
        SessionConfiguration configuration = new SessionConfiguration();
        configuration.setSecret(secret);
        return new SessionTokens(configuration);
    }
}
