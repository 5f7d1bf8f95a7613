package io.gatehouse.security.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import io.gatehouse.error.GatewayException;
import io.gatehouse.route.RequestView;
import io.gatehouse.security.AuthenticationResult;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.testing.JwksServer;
import io.gatehouse.testing.TestTokens;
import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link JwtAuthenticator} and {@link JwtVerifier} with real keys, real tokens and a real JWKS
 * endpoint on loopback: every malicious token is refused with 401, {@code invalid_token} and its
 * reason; valid HS, RS, PS, ES and EdDSA tokens are accepted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwtAuthenticatorTest {

    private final TestTokens tokens = TestTokens.generate();
    private final JwksServer jwks = JwksServer.start(tokens.publicKeys());
    private final JwksServer attacker = JwksServer.start(TestTokens.rsaKey("attacker-1"));
    private final JwtAuthenticator both = authenticator(configuration(true));
    private final JwtAuthenticator asymmetricOnly = authenticator(configuration(false));

    @AfterAll
    void stop() {
        jwks.close();
        attacker.close();
    }

    Stream<Arguments> maliciousTokens() {
        return tokens.malicious(attacker.url()).entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()[0], e.getValue()[1]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maliciousTokens")
    void maliciousToken_then401InvalidTokenWithReason(String name, String token, String reason) {
        assertRefused(both, token, reason);
    }

    @Test
    void everyMaliciousToken_thenNoKeyUrlOfItsHeaderFetched() {
        tokens.malicious(attacker.url()).values().forEach(token -> both.authenticate(request("Bearer " + token[0])));
        assertEquals(0, attacker.fetches(), "jku and x5u are never fetched");
    }

    @Test
    void newlineInsideTheToken_thenMalformed() {
        String token = TestTokens.hmac(TestTokens.claims("alice").build(), JWSAlgorithm.HS256);
        int dot = token.indexOf('.');
        assertRefused(both, token.substring(0, dot + 1) + "\n" + token.substring(dot + 1), "malformed");
        assertRefused(both, token.substring(0, dot + 1) + "\r\n " + token.substring(dot + 1), "malformed");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bearer ", "BEARER ", "Bearer   ", "bEaReR "})
    void schemeInAnyCaseOrWithMoreSpaces_thenAccepted(String scheme) {
        String token = TestTokens.hmac(TestTokens.claims("alice").build(), JWSAlgorithm.HS256);
        AuthenticationResult result = both.authenticate(request(List.of(scheme + token)));
        assertEquals("alice", assertInstanceOf(AuthenticationResult.Authenticated.class, result, String.valueOf(result)).principal().subject());
    }

    @Test
    void twoAuthorizationHeaders_thenMalformedEvenWhenBothAreValid() {
        String token = TestTokens.hmac(TestTokens.claims("alice").build(), JWSAlgorithm.HS256);
        AuthenticationResult result = both.authenticate(request(List.of("Bearer " + token, "Bearer " + token)));
        GatewayException error = assertInstanceOf(AuthenticationResult.Rejected.class, result, String.valueOf(result)).error();
        assertEquals("malformed", error.details().get("reason"), error.getMessage());
    }

    Stream<Arguments> unusualButValidTokens() {
        return TestTokens.unusualButValid(TestTokens.claims("alice").build()).entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusualButValidTokens")
    void unusualButValidToken_thenAccepted(String name, String token) {
        assertEquals("alice", accepted(both, token).subject());
    }

    Stream<Arguments> publicKeysAsHmacSecrets() {
        return tokens.malicious(attacker.url()).entrySet().stream().filter(e -> e.getKey().contains("(confusion)"))
            .map(e -> Arguments.of(e.getKey(), e.getValue()[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publicKeysAsHmacSecrets")
    void hmacTokenSignedWithAPublicKeyAndNoSecretConfigured_thenAlgorithmNotAllowed(String name, String token) {
        assertRefused(asymmetricOnly, token, "algorithm_not_allowed");
    }

    @Test
    void hmacTokenSignedWithRsaPemAndNoSecretConfigured_thenAlgorithmNotAllowed() {
        String token = TestTokens.hmac(TestTokens.claims("mallory").build(),
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), tokens.rsaPublicPem());
        assertRefused(asymmetricOnly, token, "algorithm_not_allowed");
    }

    @Test
    void rsaTokenAndNoJwksConfigured_thenAlgorithmNotAllowed() {
        JwtConfiguration secretOnly = configuration(true);
        secretOnly.setJwksUrls(List.of());
        assertRefused(authenticator(secretOnly), tokens.rs256(TestTokens.claims("alice").build()), "algorithm_not_allowed");
    }

    @Test
    void missingGloballyRequiredClaim_thenMissingClaim() {
        JwtConfiguration configuration = configuration(true);
        configuration.setRequiredClaims(List.of("project"));
        assertRefused(authenticator(configuration), TestTokens.hmac(TestTokens.claims("alice").build(), JWSAlgorithm.HS256), "missing_claim");
    }

    @Test
    void nbfWithinTheSkew_thenAccepted() {
        String token = TestTokens.hmac(TestTokens.claims("alice").notBeforeTime(java.util.Date.from(java.time.Instant.now().plusSeconds(30)))
            .build(), JWSAlgorithm.HS256);
        assertEquals("alice", accepted(both, token).subject());
    }

    @Test
    void zeroSkewAndNbfJustAhead_thenNotYetValid() {
        JwtConfiguration configuration = configuration(true);
        configuration.setClockSkew(Duration.ZERO);
        String token = TestTokens.hmac(TestTokens.claims("alice").notBeforeTime(java.util.Date.from(java.time.Instant.now().plusSeconds(30)))
            .build(), JWSAlgorithm.HS256);
        assertRefused(authenticator(configuration), token, "not_yet_valid");
    }

    Stream<Arguments> validTokens() {
        var claims = TestTokens.claims("alice").build();
        return Stream.of(
            Arguments.of("HS256", TestTokens.hmac(claims, JWSAlgorithm.HS256)),
            Arguments.of("HS384", TestTokens.hmac(claims, JWSAlgorithm.HS384)),
            Arguments.of("HS512", TestTokens.hmac(claims, JWSAlgorithm.HS512)),
            Arguments.of("RS256", tokens.rs256(claims)),
            Arguments.of("PS256", TestTokens.rsa(claims, tokens.rsa(), JWSAlgorithm.PS256)),
            Arguments.of("ES256", tokens.es256(claims)),
            Arguments.of("EdDSA (Ed25519)", tokens.eddsa(claims)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validTokens")
    void validToken_thenPrincipalWithSubject(String name, String token) {
        GatewayPrincipal principal = accepted(both, token);
        assertEquals("alice", principal.subject());
        assertEquals("jwt", principal.method());
        assertEquals(TestTokens.ISSUER, principal.claim("iss"));
    }

    @Test
    void rolesScopesAndTenantClaims_thenOnThePrincipal() {
        JwtConfiguration configuration = configuration(true);
        configuration.setRolesClaim("groups");
        configuration.setTenantClaims(List.of("org", "tenant"));
        String token = TestTokens.hmac(TestTokens.claims("alice").claim("groups", List.of("admin", "ops"))
            .claim("scope", "orders:read orders:write").claim("scp", List.of("billing:read")).claim("tenant", "acme").build(), JWSAlgorithm.HS256);
        GatewayPrincipal principal = accepted(authenticator(configuration), token);
        assertEquals(Set.of("admin", "ops"), principal.roles());
        assertEquals(Set.of("orders:read", "orders:write", "billing:read"), principal.scopes());
        assertEquals("acme", principal.tenant());
    }

    @Test
    void noBearerHeader_thenAbsent() {
        assertInstanceOf(AuthenticationResult.Absent.class, both.authenticate(request((String) null)));
        assertInstanceOf(AuthenticationResult.Absent.class, both.authenticate(request("Basic YWxpY2U6c2VjcmV0")));
    }

    @Test
    void secretFile_thenUsedWithoutTrailingNewline() throws Exception {
        Path file = Files.createTempFile("jwt-secret", ".txt");
        Files.writeString(file, TestTokens.SECRET + "\n", StandardCharsets.UTF_8);
        JwtConfiguration configuration = configuration(false);
        configuration.setSecretFile(file.toString());
        assertEquals("alice", accepted(authenticator(configuration), TestTokens.hmac(TestTokens.claims("alice").build(), JWSAlgorithm.HS256)).subject());
    }

    @Test
    void shortSecret_thenConfigurationRefused() {
        JwtConfiguration configuration = configuration(false);
        configuration.setSecret("too-short");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> authenticator(configuration));
        assertTrue(e.getMessage().contains("gateway.jwt.secret must be at least 32 bytes"), e.getMessage());
    }

    @Test
    void jwksWithAnHmacKey_thenThatKeyIsNeverUsed() {
        com.nimbusds.jose.jwk.OctetSequenceKey oct = new com.nimbusds.jose.jwk.OctetSequenceKey.Builder(
            TestTokens.SECRET.getBytes(StandardCharsets.UTF_8)).keyID("oct-1").build();
        try (JwksServer withOct = JwksServer.start(oct)) {
            JwtConfiguration configuration = configuration(false);
            configuration.setJwksUrls(List.of(withOct.url()));
            String token = TestTokens.hmac(TestTokens.claims("mallory").build(), new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("oct-1").build(),
                TestTokens.SECRET.getBytes(StandardCharsets.UTF_8));
            assertRefused(authenticator(configuration), token, "algorithm_not_allowed");
        }
    }

    private void assertRefused(JwtAuthenticator authenticator, String token, String reason) {
        AuthenticationResult result = authenticator.authenticate(request("Bearer " + token));
        GatewayException error = assertInstanceOf(AuthenticationResult.Rejected.class, result, String.valueOf(result)).error();
        assertEquals(401, error.errorCode().status().getCode());
        assertEquals("unauthorized", error.errorCode().code());
        assertEquals(reason, error.details().get("reason"), error.getMessage());
        assertEquals("jwt", error.details().get("auth"));
        String challenge = error.headers().get("WWW-Authenticate");
        assertTrue(challenge.startsWith("Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\""), challenge);
        assertTrue(!error.getMessage().contains(token.length() > 20 ? token.substring(0, 20) : token), "the message never quotes the token");
    }

    private static GatewayPrincipal accepted(JwtAuthenticator authenticator, String token) {
        AuthenticationResult result = authenticator.authenticate(request("Bearer " + token));
        if (result instanceof AuthenticationResult.Rejected rejected) {
            throw new AssertionError("refused: " + rejected.error().getMessage() + " " + rejected.error().details());
        }
        return assertInstanceOf(AuthenticationResult.Authenticated.class, result).principal();
    }

    private JwtConfiguration configuration(boolean secret) {
        JwtConfiguration configuration = new JwtConfiguration();
        if (secret) {
            configuration.setSecret(TestTokens.SECRET);
        }
        configuration.setJwksUrls(List.of(jwks.url()));
        configuration.setIssuers(List.of(TestTokens.ISSUER));
        configuration.setAudiences(List.of(TestTokens.AUDIENCE));
        configuration.setRequiredClaims(List.of("sub"));
        return configuration;
    }

    static JwtAuthenticator authenticator(JwtConfiguration configuration) {
        JwksKeyStore store = new JwksKeyStore(configuration, true);
        return new JwtAuthenticator(new JwtVerifier(configuration, store), configuration);
    }

    static RequestView request(String authorization) {
        return request(authorization == null ? List.of() : List.of(authorization));
    }

    static RequestView request(List<String> authorization) {
        return new RequestView() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String path() {
                return "/";
            }

            @Override
            public String host() {
                return "";
            }

            @Override
            public String header(String name) {
                return "authorization".equalsIgnoreCase(name) && !authorization.isEmpty() ? authorization.getFirst() : null;
            }

            @Override
            public List<String> headers(String name) {
                return "authorization".equalsIgnoreCase(name) ? authorization : List.of();
            }

            @Override
            public List<String> query(String name) {
                return List.of();
            }
        };
    }
}
