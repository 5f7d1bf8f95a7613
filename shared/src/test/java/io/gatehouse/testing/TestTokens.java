package io.gatehouse.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/**
 * Real keys and real tokens for security tests, made with Nimbus JOSE (and the JDK for Ed25519,
 * whose Nimbus signer needs Google Tink). Every token is built by hand, so tests can also build
 * the malformed and malicious ones a real attacker would send.
 */
public final class TestTokens {

    /** An HMAC secret long enough for HS512 (64 bytes). */
    public static final String SECRET = "gatehouse-test-secret-0123456789-gatehouse-test-secret-0123456789";

    /** The issuer tests configure in {@code gateway.jwt.issuers}. */
    public static final String ISSUER = "https://issuer.test";

    /** The audience tests configure in {@code gateway.jwt.audiences}. */
    public static final String AUDIENCE = "gatehouse";

    private final RSAKey rsa;
    private final ECKey ec;
    private final KeyPair ed25519;
    private final OctetKeyPair ed25519Jwk;

    private TestTokens(RSAKey rsa, ECKey ec, KeyPair ed25519, OctetKeyPair ed25519Jwk) {
        this.rsa = rsa;
        this.ec = ec;
        this.ed25519 = ed25519;
        this.ed25519Jwk = ed25519Jwk;
    }

    /**
     * @return a fresh RSA (kid {@code rsa-1}), EC P-256 ({@code ec-1}) and Ed25519 ({@code ed-1}) key
     */
    public static TestTokens generate() {
        try {
            KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] encoded = ed.getPublic().getEncoded();
            byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
            OctetKeyPair edJwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).keyID("ed-1").build();
            return new TestTokens(rsaKey("rsa-1"), new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate(), ed, edJwk);
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param kid the key id
     * @return a new 2048-bit RSA key
     */
    public static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @return the RSA key (private part included)
     */
    public RSAKey rsa() {
        return rsa;
    }

    /**
     * @return the EC P-256 key (private part included)
     */
    public ECKey ec() {
        return ec;
    }

    /**
     * @return the Ed25519 public key as a JWK
     */
    public OctetKeyPair ed25519() {
        return ed25519Jwk;
    }

    /**
     * @param subject the subject
     * @return claims with {@code sub}, the test issuer and audience, {@code iat} now and {@code exp} in an hour
     */
    public static JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE)
            .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)));
    }

    /**
     * @param claims    the claims
     * @param algorithm HS256, HS384 or HS512
     * @return a token signed with {@link #SECRET}
     */
    public static String hmac(JWTClaimsSet claims, JWSAlgorithm algorithm) {
        return hmac(claims, new JWSHeader(algorithm), SECRET.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param claims the claims
     * @param header the header
     * @param secret the HMAC key
     * @return the token
     */
    public static String hmac(JWTClaimsSet claims, JWSHeader header, byte[] secret) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param claims    the claims
     * @param key       the RSA key (with private part)
     * @param algorithm RS* or PS*
     * @return the token, with the key's kid
     */
    public static String rsa(JWTClaimsSet claims, RSAKey key, JWSAlgorithm algorithm) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param claims the claims
     * @return an RS256 token with {@link #rsa()}
     */
    public String rs256(JWTClaimsSet claims) {
        return rsa(claims, rsa, JWSAlgorithm.RS256);
    }

    /**
     * @param claims the claims
     * @return an ES256 token with {@link #ec()}
     */
    public String es256(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims);
            jwt.sign(new ECDSASigner(ec));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param claims the claims
     * @return an EdDSA token with the Ed25519 key, signed with the JDK
     */
    public String eddsa(JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(ed25519Jwk.getKeyID()).build();
        String input = header.toBase64URL() + "." + Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(ed25519.getPrivate());
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64URL.encode(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param header a JSON header
     * @param claims the claims
     * @param signature the third part, possibly empty
     * @return a compact token assembled by hand
     */
    public static String raw(String header, JWTClaimsSet claims, String signature) {
        return b64(header) + "." + Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8)) + "." + signature;
    }

    /**
     * @param text text
     * @return its base64url encoding, unpadded
     */
    public static String b64(String text) {
        return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * @return the RSA public key as PEM text, as an attacker would fetch it and use it as an HMAC secret
     */
    public byte[] rsaPublicPem() {
        try {
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(rsa.toRSAPublicKey().getEncoded());
            return ("-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The malicious and broken tokens every security test refuses, by name, each with the
     * {@code details.reason} the gateway gives. Keys: this instance's; the gateway must trust the
     * test secret and a JWKS with {@link #rsa()}, {@link #ec()} and {@link #ed25519()}, and expect
     * {@link #ISSUER} and {@link #AUDIENCE}.
     *
     * @return name to {token, reason}
     */
    public Map<String, String[]> malicious() {
        JWTClaimsSet good = claims("mallory").build();
        String valid = hmac(good, JWSAlgorithm.HS256);
        String[] parts = valid.split("\\.");
        char[] signature = parts[2].toCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("alg none, unsigned", new String[] {raw("{\"alg\":\"none\"}", good, ""), "unsigned"});
        cases.put("alg none with a signature part", new String[] {raw("{\"alg\":\"none\",\"typ\":\"JWT\"}", good, parts[2]), "unsigned"});
        cases.put("HS256 signed with the RSA public key PEM (confusion)", new String[] {
            hmac(good, new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(), rsaPublicPem()), "bad_signature"});
        cases.put("unknown kid", new String[] {rsa(good, rsaKey("rotated-away"), JWSAlgorithm.RS256), "unknown_kid"});
        cases.put("RS256 with a known kid, signed by another key", new String[] {
            rsa(good, new RSAKey.Builder(rsaKey("x")).keyID(rsa.getKeyID()).build(), JWSAlgorithm.RS256), "bad_signature"});
        cases.put("ES256 naming the RSA key", new String[] {esWithKid(good, rsa.getKeyID()), "algorithm_not_allowed"});
        cases.put("crit exp-foo", new String[] {hmac(good, new JWSHeader.Builder(JWSAlgorithm.HS256)
            .criticalParams(java.util.Set.of("exp-foo")).customParam("exp-foo", 1).build(), SECRET.getBytes(StandardCharsets.UTF_8)),
            "unknown_critical_header"});
        cases.put("9 KiB token", new String[] {hmac(claims("mallory").claim("pad", "x".repeat(9 * 1024)).build(), JWSAlgorithm.HS256),
            "token_too_large"});
        Instant now = Instant.now();
        cases.put("expired", new String[] {hmac(claims("mallory").expirationTime(Date.from(now.minusSeconds(7200))).build(),
            JWSAlgorithm.HS256), "expired"});
        cases.put("nbf beyond the skew", new String[] {hmac(claims("mallory").notBeforeTime(Date.from(now.plusSeconds(600))).build(),
            JWSAlgorithm.HS256), "not_yet_valid"});
        cases.put("wrong iss", new String[] {hmac(claims("mallory").issuer("https://evil.test").build(), JWSAlgorithm.HS256), "wrong_issuer"});
        cases.put("wrong aud", new String[] {hmac(claims("mallory").audience("someone-else").build(), JWSAlgorithm.HS256), "wrong_audience"});
        cases.put("no exp", new String[] {hmac(claims("mallory").expirationTime(null).build(), JWSAlgorithm.HS256), "missing_claim"});
        cases.put("bad signature", new String[] {parts[0] + "." + parts[1] + "." + new String(signature), "bad_signature"});
        cases.put("truncated", new String[] {valid.substring(0, parts[0].length() + 1 + parts[1].length() / 2), "malformed"});
        cases.put("not base64", new String[] {"!!!.@@@.###", "malformed"});
        cases.put("header not JSON", new String[] {b64("not json") + "." + parts[1] + "." + parts[2], "malformed"});
        cases.put("encrypted (five parts)", new String[] {"a.b.c.d.e", "encrypted"});
        return cases;
    }

    private String esWithKid(JWTClaimsSet claims, String kid) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(), claims);
            jwt.sign(new ECDSASigner(ec));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

}
