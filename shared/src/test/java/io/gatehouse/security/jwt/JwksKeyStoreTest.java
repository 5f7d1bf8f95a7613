package io.gatehouse.security.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import io.gatehouse.security.AuthenticationResult;
import io.gatehouse.testing.JwksServer;
import io.gatehouse.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key rotation against a real JWKS endpoint: a token signed with a key that appears after start
 * is accepted once the keys are fetched again, without a restart, and unknown {@code kid}s cannot
 * make the gateway fetch more than once per cool-down.
 */
class JwksKeyStoreTest {

    private static final long DEADLINE_SECONDS = 10;

    @Test
    void newKidPublishedInTheBackground_thenAcceptedAfterTheRefreshItTriggers() throws Exception {
        RSAKey first = TestTokens.rsaKey("k1");
        RSAKey second = TestTokens.rsaKey("k2");
        try (JwksServer jwks = JwksServer.start(first)) {
            JwtConfiguration configuration = configuration(jwks, Duration.ofMinutes(10), Duration.ZERO);
            JwksKeyStore store = new JwksKeyStore(configuration, false);
            try {
                JwtAuthenticator authenticator = new JwtAuthenticator(new JwtVerifier(configuration, store), configuration);
                String oldToken = TestTokens.rsa(TestTokens.claims("alice").build(), first, JWSAlgorithm.RS256);
                awaitAccepted(authenticator, oldToken);

                jwks.publish(first, second);
                String newToken = TestTokens.rsa(TestTokens.claims("bob").build(), second, JWSAlgorithm.RS256);
                AuthenticationResult result = authenticator.authenticateAsync(JwtAuthenticatorTest.request("Bearer " + newToken))
                    .toCompletableFuture().get(DEADLINE_SECONDS, TimeUnit.SECONDS);
                assertEquals("bob", assertInstanceOf(AuthenticationResult.Authenticated.class, result, String.valueOf(result)).principal().subject());

                jwks.publish(second);
                assertInstanceOf(AuthenticationResult.Authenticated.class, authenticator.authenticate(JwtAuthenticatorTest.request("Bearer " + newToken)));
            } finally {
                store.close();
            }
        }
    }

    @Test
    void unknownKidsWithinTheCooldown_thenOneFetch() {
        try (JwksServer jwks = JwksServer.start(TestTokens.rsaKey("k1"))) {
            JwtConfiguration configuration = configuration(jwks, Duration.ofMinutes(10), Duration.ofMinutes(10));
            JwksKeyStore store = new JwksKeyStore(configuration, true);
            JwtAuthenticator authenticator = new JwtAuthenticator(new JwtVerifier(configuration, store), configuration);
            for (int i = 0; i < 5; i++) {
                String forged = TestTokens.rsa(TestTokens.claims("mallory").build(), TestTokens.rsaKey("forged-" + i), JWSAlgorithm.RS256);
                AuthenticationResult result = authenticator.authenticate(JwtAuthenticatorTest.request("Bearer " + forged));
                assertEquals("unknown_kid", assertInstanceOf(AuthenticationResult.Rejected.class, result).error().details().get("reason"));
            }
            // One fetch because the keys were stale (first use), one for the first unknown kid; none after, within the cool-down.
            assertEquals(2, jwks.fetches());
        }
    }

    @Test
    void inlineOnLambda_thenRotatedKeyAcceptedInTheSameRequest() {
        RSAKey first = TestTokens.rsaKey("k1");
        RSAKey second = TestTokens.rsaKey("k2");
        try (JwksServer jwks = JwksServer.start(first)) {
            JwtConfiguration configuration = configuration(jwks, Duration.ofMinutes(10), Duration.ZERO);
            JwksKeyStore store = new JwksKeyStore(configuration, true);
            JwtAuthenticator authenticator = new JwtAuthenticator(new JwtVerifier(configuration, store), configuration);
            String oldToken = TestTokens.rsa(TestTokens.claims("alice").build(), first, JWSAlgorithm.RS256);
            assertInstanceOf(AuthenticationResult.Authenticated.class, authenticator.authenticate(JwtAuthenticatorTest.request("Bearer " + oldToken)));
            jwks.publish(first, second);
            String newToken = TestTokens.rsa(TestTokens.claims("bob").build(), second, JWSAlgorithm.RS256);
            assertInstanceOf(AuthenticationResult.Authenticated.class, authenticator.authenticate(JwtAuthenticatorTest.request("Bearer " + newToken)));
        }
    }

    @Test
    void jwksUnreachableAfterALoad_thenLastGoodKeysStay() {
        RSAKey key = TestTokens.rsaKey("k1");
        JwksServer jwks = JwksServer.start(key);
        JwtConfiguration configuration = configuration(jwks, Duration.ofMinutes(10), Duration.ZERO);
        configuration.setJwksTimeout(Duration.ofSeconds(2));
        JwksKeyStore store = new JwksKeyStore(configuration, true);
        JwtAuthenticator authenticator = new JwtAuthenticator(new JwtVerifier(configuration, store), configuration);
        String token = TestTokens.rsa(TestTokens.claims("alice").build(), key, JWSAlgorithm.RS256);
        assertInstanceOf(AuthenticationResult.Authenticated.class, authenticator.authenticate(JwtAuthenticatorTest.request("Bearer " + token)));
        jwks.close();
        JwksKeyStore.KeySet after = store.refreshNow();
        assertEquals(List.of("k1"), after.keys().stream().map(VerificationKey::kid).toList());
        assertInstanceOf(AuthenticationResult.Authenticated.class, authenticator.authenticate(JwtAuthenticatorTest.request("Bearer " + token)));
    }

    private static void awaitAccepted(JwtAuthenticator authenticator, String token) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        AuthenticationResult result;
        do {
            result = authenticator.authenticate(JwtAuthenticatorTest.request("Bearer " + token));
            if (result instanceof AuthenticationResult.Authenticated) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        assertTrue(false, "not accepted before the deadline: " + result);
    }

    private static JwtConfiguration configuration(JwksServer jwks, Duration interval, Duration cooldown) {
        JwtConfiguration configuration = new JwtConfiguration();
        configuration.setJwksUrls(List.of(jwks.url()));
        configuration.setJwksRefreshInterval(interval);
        configuration.setJwksCooldown(cooldown);
        return configuration;
    }
}
