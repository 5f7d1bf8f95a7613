package io.gatehouse.security.jwt;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.util.Base64URL;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Fuzzes {@link JwtVerifier#verify}, the entry every bearer token, ID token and session cookie
 * goes through: either the fuzzer's bytes as the token, or a fuzzed header and claims signed with
 * the verifier's own HMAC secret, so the claim checks behind the signature are reached too. The
 * only refusal allowed is {@link InvalidTokenException}. Seeds:
 * {@code src/test/resources/io/gatehouse/security/jwt/JwtVerifierFuzzTestInputs/}.
 */
class JwtVerifierFuzzTest {

    private static final String SECRET = "fuzz-secret-0123456789abcdef0123456789";

    private static final JwtVerifier VERIFIER = verifier();

    private static JwtVerifier verifier() {
        JwtConfiguration configuration = new JwtConfiguration();
        configuration.setSecret(SECRET);
        return JwtVerifier.standalone(configuration);
    }

    /**
     * The input's first byte chooses: odd, the rest is a header and claims (split at the first
     * newline) that are signed; even, the rest is the token as it is.
     */
    @FuzzTest(maxDuration = "20s", maxExecutions = 200000)
    void verify_refusesOnlyWithInvalidTokenException(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String rest = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        String token;
        if ((input[0] & 1) == 1) {
            int newline = rest.indexOf('\n');
            token = newline < 0 ? signed(rest, "{}") : signed(rest.substring(0, newline), rest.substring(newline + 1));
        } else {
            token = rest;
        }
        try {
            assertNotNull(VERIFIER.verify(token));
        } catch (InvalidTokenException refused) {
            assertNotNull(refused.reason());
        }
    }

    /** The header and claims as a compact JWS with a valid HS256 signature over them. */
    private static String signed(String header, String claims) {
        String input = Base64URL.encode(header.getBytes(StandardCharsets.UTF_8)) + "." + Base64URL.encode(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return input + "." + Base64URL.encode(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
