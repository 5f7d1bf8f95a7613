package io.gatehouse.identity;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The few primitives credentials are made of: random values, SHA-256, PBKDF2 and constant-time
 * comparison.
 *
 * <p>Two hashes on purpose. API keys and refresh tokens are 32 random bytes: nobody can guess
 * them, so a fast hash (SHA-256) is as safe as a slow one, and it lets the request path find a
 * key in O(1) by its hash. OAuth client secrets and passwords may be chosen by humans: they get
 * PBKDF2-HMAC-SHA256 with a per-secret salt, which makes guessing expensive.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final String PBKDF2 = "pbkdf2-sha256";

    private Secrets() {
    }

    /**
     * @param bytes how many random bytes
     * @return that many bytes from {@link SecureRandom}, base64url without padding
     */
    public static String randomToken(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return URL.encodeToString(value);
    }

    /**
     * @param bytes how many random bytes
     * @return that many bytes from {@link SecureRandom}, lower-case hex
     */
    public static String randomHex(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }

    /**
     * @param text any text
     * @return the SHA-256 of its UTF-8 bytes, lower-case hex
     */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compares in time independent of where the values differ.
     *
     * @param a one value, may be {@code null}
     * @param b the other, may be {@code null}
     * @return whether both are present and equal
     */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        // Compare digests so that the length of the secret does not leak either.
        return MessageDigest.isEqual(sha256(a).getBytes(StandardCharsets.US_ASCII), sha256(b).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * @param secret     a secret a human may have chosen
     * @param iterations PBKDF2 iterations
     * @return {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}, salt and hash base64url
     */
    public static String pbkdf2(String secret, int iterations) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return PBKDF2 + "$" + iterations + "$" + URL.encodeToString(salt) + "$" + URL.encodeToString(derive(secret, salt, iterations));
    }

    /**
     * @param secret the secret presented
     * @param stored a value from {@link #pbkdf2(String, int)}
     * @return whether the secret matches; {@code false} for a malformed stored value
     */
    public static boolean pbkdf2Matches(String secret, String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !PBKDF2.equals(parts[0])) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getUrlDecoder().decode(parts[2]);
            byte[] expected = Base64.getUrlDecoder().decode(parts[3]);
            return MessageDigest.isEqual(expected, derive(secret, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(String secret, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } finally {
            spec.clearPassword();
        }
    }
}
