package io.gatehouse.security.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import io.gatehouse.security.AuthenticationResult;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The verifier remembers tokens it verified, and a remembered token is still held to its time
 * bounds: what the cache saves is the signature and the parsing, never a check that depends on
 * the moment. The authenticator maps a remembered token's claims to its principal once, too.
 */
class JwtVerifierCacheTest {

    private final MovableClock clock = new MovableClock(Instant.now());

    private JwtVerifier verifier() {
        JwtConfiguration configuration = new JwtConfiguration();
        configuration.setSecret(TestTokens.SECRET);
        configuration.setIssuers(List.of(TestTokens.ISSUER));
        configuration.setClockSkew(Duration.ZERO);
        return new JwtVerifier(configuration, new JwksKeyStore(configuration, true), clock);
    }

    @Test
    void theSameTokenAgain_thenTheClaimsVerifiedTheFirstTime() {
        JwtVerifier verifier = verifier();
        String token = TestTokens.hmac(TestTokens.claims("alice").build(), JWSAlgorithm.HS256);
        assertSame(verifier.verify(token), verifier.verify(token));
    }

    @Test
    void aRememberedTokenPastItsExpiry_thenExpiredAtOnce() {
        JwtVerifier verifier = verifier();
        Instant expiry = clock.instant().plusSeconds(60);
        String token = TestTokens.hmac(TestTokens.claims("alice").expirationTime(Date.from(expiry)).build(), JWSAlgorithm.HS256);
        assertEquals("alice", verifier.verify(token).getSubject());
        clock.now = expiry;
        InvalidTokenException expired = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        assertEquals(InvalidTokenException.Reason.EXPIRED, expired.reason());
    }

    @Test
    void aTokenWithAnotherSignature_thenNeverTheRememberedOne() {
        JwtVerifier verifier = verifier();
        String token = TestTokens.hmac(TestTokens.claims("alice").build(), JWSAlgorithm.HS256);
        verifier.verify(token);
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);
        InvalidTokenException refused = assertThrows(InvalidTokenException.class, () -> verifier.verify(forged));
        assertEquals(InvalidTokenException.Reason.BAD_SIGNATURE, refused.reason());
    }

    @Test
    void theSameTokenAgain_thenThePrincipalMappedTheFirstTime_andAnotherTokenGetsItsOwn() {
        JwtConfiguration configuration = new JwtConfiguration();
        JwtAuthenticator authenticator = new JwtAuthenticator(verifier(), configuration);
        String alice = TestTokens.hmac(TestTokens.claims("alice").claim("roles", List.of("admin")).build(), JWSAlgorithm.HS256);
        String bob = TestTokens.hmac(TestTokens.claims("bob").claim("roles", List.of("reader")).build(), JWSAlgorithm.HS256);
        GatewayPrincipal first = principal(authenticator, alice);
        assertSame(first, principal(authenticator, alice));
        GatewayPrincipal other = principal(authenticator, bob);
        assertEquals("alice", first.subject());
        assertEquals(java.util.Set.of("admin"), first.roles());
        assertEquals("bob", other.subject());
        assertEquals(java.util.Set.of("reader"), other.roles());
    }

    @Test
    void aRememberedPrincipalPastItsTokensExpiry_thenRefused() {
        JwtAuthenticator authenticator = new JwtAuthenticator(verifier(), new JwtConfiguration());
        Instant expiry = clock.instant().plusSeconds(60);
        String token = TestTokens.hmac(TestTokens.claims("alice").expirationTime(Date.from(expiry)).build(), JWSAlgorithm.HS256);
        assertEquals("alice", principal(authenticator, token).subject());
        clock.now = expiry;
        AuthenticationResult result = authenticator.authenticate(JwtAuthenticatorTest.request("Bearer " + token));
        assertEquals("expired", assertInstanceOf(AuthenticationResult.Rejected.class, result).error().details().get("reason"));
    }

    private static GatewayPrincipal principal(JwtAuthenticator authenticator, String token) {
        AuthenticationResult result = authenticator.authenticate(JwtAuthenticatorTest.request("Bearer " + token));
        return assertInstanceOf(AuthenticationResult.Authenticated.class, result, String.valueOf(result)).principal();
    }

    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
