package io.gatehouse.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
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
import java.util.List;
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
    private final ECKey ec384;
    private final ECKey ec521;
    private final KeyPair ed25519;
    private final OctetKeyPair ed25519Jwk;

    private TestTokens(RSAKey rsa, ECKey ec, ECKey ec384, ECKey ec521, KeyPair ed25519, OctetKeyPair ed25519Jwk) {
        this.rsa = rsa;
        this.ec = ec;
        this.ec384 = ec384;
        this.ec521 = ec521;
        this.ed25519 = ed25519;
        this.ed25519Jwk = ed25519Jwk;
    }

    /**
     * @return a fresh RSA (kid {@code rsa-1}), EC P-256 ({@code ec-1}), P-384 ({@code ec-384}), P-521 ({@code ec-521})
     * and Ed25519 ({@code ed-1}) key
     */
    public static TestTokens generate() {
        try {
            KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] encoded = ed.getPublic().getEncoded();
            byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
            OctetKeyPair edJwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).keyID("ed-1").build();
            return new TestTokens(rsaKey("rsa-1"), new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate(),
                new ECKeyGenerator(Curve.P_384).keyID("ec-384").generate(), new ECKeyGenerator(Curve.P_521).keyID("ec-521").generate(),
                ed, edJwk);
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
     * @return every public key the gateway under test must trust: RSA, EC P-256/P-384/P-521 and Ed25519
     */
    public JWK[] publicKeys() {
        return new JWK[] {rsa, ec, ec384, ec521, ed25519Jwk};
    }

    /**
     * The malicious and broken tokens every security test refuses, by name, each with the
     * {@code details.reason} the gateway gives. Keys: this instance's; the gateway must trust the
     * test secret and a JWKS with {@link #publicKeys()}, expect {@link #ISSUER} and {@link #AUDIENCE},
     * require {@code sub} ({@code required-claims}) and keep the default 8 KiB {@code max-token-size}.
     *
     * @param attackerUrl a URL the gateway must never fetch, named by {@code jku} and {@code x5u}
     * @return name to {token, reason}
     */
    public Map<String, String[]> malicious(String attackerUrl) {
        JWTClaimsSet good = claims("mallory").build();
        String valid = hmac(good, JWSAlgorithm.HS256);
        String[] parts = valid.split("\\.");
        char[] signature = parts[2].toCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        RSAKey attacker = rsaKey("attacker-1");
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("alg none, unsigned", new String[] {raw("{\"alg\":\"none\"}", good, ""), "unsigned"});
        cases.put("alg none with a signature part", new String[] {raw("{\"alg\":\"none\",\"typ\":\"JWT\"}", good, parts[2]), "unsigned"});
        for (String none : List.of("None", "NONE", "nOnE")) {
            cases.put("alg " + none, new String[] {raw("{\"alg\":\"" + none + "\"}", good, ""), "unsigned"});
        }
        cases.put("alg missing", new String[] {hmacRaw("{\"typ\":\"JWT\"}", good.toString(), secret, "HmacSHA256"), "malformed"});
        cases.put("alg a number", new String[] {hmacRaw("{\"alg\":256}", good.toString(), secret, "HmacSHA256"), "malformed"});
        cases.put("alg an array", new String[] {hmacRaw("{\"alg\":[\"HS256\"]}", good.toString(), secret, "HmacSHA256"), "malformed"});
        cases.put("alg null", new String[] {hmacRaw("{\"alg\":null}", good.toString(), secret, "HmacSHA256"), "malformed"});
        cases.put("alg HS257", new String[] {hmacRaw("{\"alg\":\"HS257\"}", good.toString(), secret, "HmacSHA256"), "unsupported_algorithm"});
        cases.put("alg RSA-OAEP (a JWE algorithm) in a JWS", new String[] {raw("{\"alg\":\"RSA-OAEP\"}", good, parts[2]),
            "unsupported_algorithm"});
        cases.put("HS256 signed with the RSA public key PEM, naming its kid (confusion)", new String[] {
            hmac(good, new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(), rsaPublicPem()), "bad_signature"});
        Map<String, byte[]> published = new java.util.LinkedHashMap<>();
        published.put("RSA public key DER", der(rsa));
        published.put("RSA public key PEM", rsaPublicPem());
        published.put("RSA public key JWK JSON", jwkJson(rsa));
        published.put("EC public key DER", der(ec));
        published.put("EC public key PEM", pem(der(ec)));
        published.put("EC public key JWK JSON", jwkJson(ec));
        published.put("Ed25519 public key DER", ed25519.getPublic().getEncoded());
        published.put("Ed25519 public key JWK JSON", jwkJson(ed25519Jwk));
        for (Map.Entry<String, byte[]> key : published.entrySet()) {
            for (String hs : List.of("256", "384", "512")) {
                cases.put("HS" + hs + " signed with the " + key.getKey() + " (confusion)", new String[] {
                    hmacRaw("{\"alg\":\"HS" + hs + "\"}", good.toString(), key.getValue(), "HmacSHA" + hs), "bad_signature"});
            }
        }
        cases.put("unknown kid", new String[] {rsa(good, rsaKey("rotated-away"), JWSAlgorithm.RS256), "unknown_kid"});
        cases.put("RS256 with a known kid, signed by another key", new String[] {
            rsa(good, new RSAKey.Builder(rsaKey("x")).keyID(rsa.getKeyID()).build(), JWSAlgorithm.RS256), "bad_signature"});
        cases.put("ES256 naming the RSA key", new String[] {esWithKid(good, rsa.getKeyID()), "algorithm_not_allowed"});
        String attackerJwk = attacker.toPublicJWK().toJSONString();
        cases.put("embedded jwk: the attacker's own key, signature valid against it", new String[] {
            signRaw("{\"alg\":\"RS256\",\"jwk\":" + attackerJwk + "}", good.toString(), attacker), "bad_signature"});
        cases.put("embedded jwk with the kid of a trusted key", new String[] {
            signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"jwk\":" + attackerJwk + "}", good.toString(), attacker), "bad_signature"});
        cases.put("jku naming the attacker's JWKS", new String[] {
            signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"jku\":\"" + attackerUrl + "\"}", good.toString(), attacker), "bad_signature"});
        cases.put("jku naming the attacker's JWKS and its kid", new String[] {
            signRaw("{\"alg\":\"RS256\",\"kid\":\"attacker-1\",\"jku\":\"" + attackerUrl + "\"}", good.toString(), attacker), "unknown_kid"});
        cases.put("x5u naming the attacker's certificate", new String[] {
            signRaw("{\"alg\":\"RS256\",\"x5u\":\"" + attackerUrl + "\"}", good.toString(), attacker), "bad_signature"});
        cases.put("x5c with a self-signed certificate", new String[] {
            signRaw("{\"alg\":\"RS256\",\"x5c\":[\"" + SelfSigned.CERTIFICATE + "\"]}", good.toString(), SelfSigned.KEY), "bad_signature"});
        cases.put("kid with path traversal, HMAC with an empty key", new String[] {
            hmacRaw("{\"alg\":\"HS256\",\"kid\":\"../../../../../../dev/null\"}", good.toString(), new byte[1], "HmacSHA256"),
            "bad_signature"});
        cases.put("kid with path traversal", new String[] {
            signRaw("{\"alg\":\"RS256\",\"kid\":\"../../../../etc/passwd\"}", good.toString(), attacker), "unknown_kid"});
        cases.put("kid with SQL", new String[] {
            signRaw("{\"alg\":\"RS256\",\"kid\":\"x' UNION SELECT 'k' -- \"}", good.toString(), attacker), "unknown_kid"});
        cases.put("kid of 4000 characters", new String[] {
            signRaw("{\"alg\":\"RS256\",\"kid\":\"" + "k".repeat(4000) + "\"}", good.toString(), attacker), "unknown_kid"});
        cases.put("kid null", new String[] {signRaw("{\"alg\":\"RS256\",\"kid\":null}", good.toString(), attacker), "bad_signature"});
        cases.put("kid a number", new String[] {signRaw("{\"alg\":\"RS256\",\"kid\":1}", good.toString(), attacker), "malformed"});
        cases.put("duplicate alg in the header, none last", new String[] {
            hmacRaw("{\"alg\":\"HS256\",\"alg\":\"none\"}", good.toString(), secret, "HmacSHA256"), "malformed"});
        cases.put("duplicate alg in the header, none first", new String[] {
            hmacRaw("{\"alg\":\"none\",\"alg\":\"HS256\"}", good.toString(), secret, "HmacSHA256"), "malformed"});
        String goodJson = good.toString();
        cases.put("duplicate sub in the claims", new String[] {
            hmacRaw("{\"alg\":\"HS256\"}", goodJson.replaceFirst("\\{", "{\"sub\":\"admin\","), secret, "HmacSHA256"), "malformed"});
        cases.put("duplicate exp in the claims", new String[] {
            hmacRaw("{\"alg\":\"HS256\"}", goodJson.replaceFirst("\\{", "{\"exp\":4102444800,"), secret, "HmacSHA256"), "malformed"});
        cases.put("crit exp-foo", new String[] {hmac(good, new JWSHeader.Builder(JWSAlgorithm.HS256)
            .criticalParams(java.util.Set.of("exp-foo")).customParam("exp-foo", 1).build(), SECRET.getBytes(StandardCharsets.UTF_8)),
            "unknown_critical_header"});
        cases.put("b64 false with crit", new String[] {
            hmacRaw("{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}", goodJson, secret, "HmacSHA256"), "unknown_critical_header"});
        cases.put("b64 false without crit", new String[] {
            hmacRaw("{\"alg\":\"HS256\",\"b64\":false}", goodJson, secret, "HmacSHA256"), "unknown_critical_header"});
        cases.put("crit empty", new String[] {hmacRaw("{\"alg\":\"HS256\",\"crit\":[]}", goodJson, secret, "HmacSHA256"),
            "unknown_critical_header"});
        cases.put("cty JWT: a nested token as the payload", new String[] {
            hmacRaw("{\"alg\":\"HS256\",\"cty\":\"JWT\"}", valid, secret, "HmacSHA256"), "malformed"});
        cases.put("9 KiB token", new String[] {hmac(claims("mallory").claim("pad", "x".repeat(9 * 1024)).build(), JWSAlgorithm.HS256),
            "token_too_large"});
        cases.put("one character over the size limit", new String[] {ofLength(claims("mallory").build(), 8193), "token_too_large"});
        Instant now = Instant.now();
        cases.put("expired", new String[] {hmac(claims("mallory").expirationTime(Date.from(now.minusSeconds(7200))).build(),
            JWSAlgorithm.HS256), "expired"});
        cases.put("nbf beyond the skew", new String[] {hmac(claims("mallory").notBeforeTime(Date.from(now.plusSeconds(600))).build(),
            JWSAlgorithm.HS256), "not_yet_valid"});
        long future = now.plusSeconds(3600).getEpochSecond();
        for (String date : List.of("exp", "nbf", "iat")) {
            cases.put(date + " a string", new String[] {withClaim(good, date, "\"" + future + "\""), "malformed"});
            cases.put(date + " huge (seconds times 1000 overflows)", new String[] {withClaim(good, date, "1e30"), "malformed"});
            cases.put(date + " boolean", new String[] {withClaim(good, date, "true"), "malformed"});
        }
        cases.put("nbf wrapping to 1970 when multiplied by 1000", new String[] {withClaim(good, "nbf", "18446744073709552"), "malformed"});
        cases.put("exp Long.MAX_VALUE", new String[] {withClaim(good, "exp", String.valueOf(Long.MAX_VALUE)), "malformed"});
        cases.put("exp a float in the past", new String[] {withClaim(good, "exp", (now.getEpochSecond() - 7200) + ".5"), "expired"});
        cases.put("exp negative", new String[] {withClaim(good, "exp", "-1"), "expired"});
        cases.put("exp far future and iat in the future", new String[] {hmac(claims("mallory")
            .issueTime(Date.from(now.plusSeconds(86_400))).expirationTime(Date.from(now.plusSeconds(86_400L * 365 * 50))).build(),
            JWSAlgorithm.HS256), "not_yet_valid"});
        cases.put("wrong iss", new String[] {hmac(claims("mallory").issuer("https://evil.test").build(), JWSAlgorithm.HS256), "wrong_issuer"});
        cases.put("iss with a trailing slash", new String[] {hmac(claims("mallory").issuer(ISSUER + "/").build(), JWSAlgorithm.HS256),
            "wrong_issuer"});
        cases.put("iss in upper case", new String[] {hmac(claims("mallory").issuer(ISSUER.toUpperCase(java.util.Locale.ROOT)).build(),
            JWSAlgorithm.HS256), "wrong_issuer"});
        cases.put("wrong aud", new String[] {hmac(claims("mallory").audience("someone-else").build(), JWSAlgorithm.HS256), "wrong_audience"});
        cases.put("no exp", new String[] {hmac(claims("mallory").expirationTime(null).build(), JWSAlgorithm.HS256), "missing_claim"});
        cases.put("no sub", new String[] {hmac(claims("mallory").subject(null).build(), JWSAlgorithm.HS256), "missing_claim"});
        cases.put("bad signature", new String[] {parts[0] + "." + parts[1] + "." + new String(signature), "bad_signature"});
        cases.put("empty signature", new String[] {parts[0] + "." + parts[1] + ".", "malformed"});
        cases.put("signature with non-zero unused bits", new String[] {parts[0] + "." + parts[1] + "." + nonCanonical(parts[2]), "malformed"});
        cases.put("header with = padding", new String[] {hmacRaw("{\"alg\":\"HS256\"}", goodJson, secret, "HmacSHA256", "="), "malformed"});
        cases.put("signature with = padding", new String[] {valid + "=", "malformed"});
        cases.put("base64 alphabet, not base64url", new String[] {standardAlphabet(good), "malformed"});
        cases.put("a space inside", new String[] {parts[0] + ". " + parts[1] + "." + parts[2], "malformed"});
        cases.put("a tab inside", new String[] {parts[0] + "." + parts[1] + "\t." + parts[2], "malformed"});
        cases.put("trailing dot", new String[] {valid + ".", "malformed"});
        cases.put("four parts", new String[] {valid + "." + parts[2], "malformed"});
        cases.put("two tokens after Bearer", new String[] {valid + " " + valid, "malformed"});
        cases.put("two tokens after Bearer, comma-separated", new String[] {valid + ", Bearer " + valid, "malformed"});
        cases.put("ES256 psychic signature (r = s = 0, CVE-2022-21449)", new String[] {psychic(good, JWSAlgorithm.ES256, ec, 64),
            "bad_signature"});
        cases.put("ES384 psychic signature (r = s = 0, CVE-2022-21449)", new String[] {psychic(good, JWSAlgorithm.ES384, ec384, 96),
            "bad_signature"});
        cases.put("ES512 psychic signature (r = s = 0, CVE-2022-21449)", new String[] {psychic(good, JWSAlgorithm.ES512, ec521, 132),
            "bad_signature"});
        cases.put("ES256 signature in DER, not R||S", new String[] {es256Der(good), "bad_signature"});
        cases.put("truncated", new String[] {valid.substring(0, parts[0].length() + 1 + parts[1].length() / 2), "malformed"});
        cases.put("not base64", new String[] {"!!!.@@@.###", "malformed"});
        cases.put("header not JSON", new String[] {b64("not json") + "." + parts[1] + "." + parts[2], "malformed"});
        cases.put("encrypted (five parts)", new String[] {"a.b.c.d.e", "encrypted"});
        return cases;
    }

    /**
     * Tokens built oddly but legitimately, which the gateway accepts: unusual {@code typ} values, an
     * audience list, fractional and negative NumericDates, and exactly the default size limit.
     *
     * @param claims the claims each one carries (with {@code exp} in the future)
     * @return name to token
     */
    public static Map<String, String> unusualButValid(JWTClaimsSet claims) {
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        for (String typ : List.of("at+jwt", "JOSE", "application/jwt", "banana")) {
            cases.put("typ " + typ, hmacRaw("{\"alg\":\"HS256\",\"typ\":\"" + typ + "\"}", claims.toString(), secret, "HmacSHA256"));
        }
        cases.put("aud a list with the accepted audience among others", hmac(new JWTClaimsSet.Builder(claims)
            .audience(List.of("someone-else", AUDIENCE, "third")).build(), JWSAlgorithm.HS256));
        long exp = claims.getExpirationTime().toInstant().getEpochSecond();
        cases.put("exp a float", withClaim(claims, "exp", exp + ".75"));
        cases.put("nbf negative", withClaim(claims, "nbf", "-1"));
        cases.put("iat a float", withClaim(claims, "iat", (exp - 3600) + ".25"));
        cases.put("exactly the size limit", ofLength(claims, 8192));
        return cases;
    }

    private static String withClaim(JWTClaimsSet claims, String name, String json) {
        String text = new JWTClaimsSet.Builder(claims).claim(name, null).build().toString();
        return hmacRaw("{\"alg\":\"HS256\"}", "{\"" + name + "\":" + json + "," + text.substring(1), SECRET.getBytes(StandardCharsets.UTF_8),
            "HmacSHA256");
    }

    /** An HS256 token of exactly {@code length} characters: a pad claim and a kid of the right lengths. */
    private static String ofLength(JWTClaimsSet claims, int length) {
        for (int kid = 0; kid < 4; kid++) {
            String header = kid == 0 ? "{\"alg\":\"HS256\"}" : "{\"alg\":\"HS256\",\"kid\":\"" + "k".repeat(kid) + "\"}";
            for (int pad = Math.max(0, length * 3 / 4 - 600); pad < length; pad++) {
                String token = hmacRaw(header, new JWTClaimsSet.Builder(claims).claim("pad", "x".repeat(pad)).build().toString(),
                    SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
                if (token.length() == length) {
                    return token;
                }
                if (token.length() > length) {
                    break;
                }
            }
        }
        throw new IllegalStateException("no token of " + length + " characters");
    }

    /**
     * @param header  the header JSON, as sent
     * @param payload the payload, as sent
     * @param key     the HMAC key, of any length (Nimbus's signer refuses short ones; an attacker's does not)
     * @param mac     the JCA name: HmacSHA256, HmacSHA384 or HmacSHA512
     * @return the token
     */
    public static String hmacRaw(String header, String payload, byte[] key, String mac) {
        return hmacRaw(header, payload, key, mac, "");
    }

    private static String hmacRaw(String header, String payload, byte[] key, String mac, String headerSuffix) {
        String input = b64(header) + headerSuffix + "." + b64(payload);
        try {
            javax.crypto.Mac hmac = javax.crypto.Mac.getInstance(mac);
            hmac.init(new javax.crypto.spec.SecretKeySpec(key, mac));
            return input + "." + Base64URL.encode(hmac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String signRaw(String header, String payload, RSAKey key) {
        try {
            return signRaw(header, payload, key.toRSAPrivateKey());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String signRaw(String header, String payload, java.security.PrivateKey key) {
        String input = b64(header) + "." + b64(payload);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64URL.encode(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String psychic(JWTClaimsSet claims, JWSAlgorithm algorithm, ECKey key, int length) {
        return b64("{\"alg\":\"" + algorithm + "\",\"kid\":\"" + key.getKeyID() + "\"}") + "." + b64(claims.toString()) + "."
            + Base64URL.encode(new byte[length]);
    }

    private String es256Der(JWTClaimsSet claims) {
        String input = b64("{\"alg\":\"ES256\",\"kid\":\"" + ec.getKeyID() + "\"}") + "." + b64(claims.toString());
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(ec.toECPrivateKey());
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64URL.encode(signature.sign());
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid token re-encoded in the standard base64 alphabet; the claims vary until a '-' or '_' appears to change. */
    private static String standardAlphabet(JWTClaimsSet claims) {
        for (int i = 0; ; i++) {
            String token = hmac(new JWTClaimsSet.Builder(claims).claim("n", i).build(), JWSAlgorithm.HS256);
            if (token.indexOf('-') >= 0 || token.indexOf('_') >= 0) {
                return token.replace('-', '+').replace('_', '/');
            }
        }
    }

    /** The same signature bytes, spelled with a non-zero unused bit in the last character. */
    private static String nonCanonical(String signature) {
        char last = signature.charAt(signature.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return signature.substring(0, signature.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
    }

    private static byte[] der(com.nimbusds.jose.jwk.AsymmetricJWK key) {
        try {
            return key.toPublicKey().getEncoded();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pem(byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] jwkJson(JWK key) {
        return key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    }

    /** An attacker's self-signed certificate (made once with openssl, in src/test/resources/jwt) and its private key. */
    private static final class SelfSigned {

        static final String CERTIFICATE = pemBody("jwt/attacker-x5c.crt");
        static final java.security.PrivateKey KEY = privateKey(pemBody("jwt/attacker-x5c.key"));

        private static String pemBody(String resource) {
            try (var in = TestTokens.class.getClassLoader().getResourceAsStream(resource)) {
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----|\\s", "");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static java.security.PrivateKey privateKey(String base64) {
            try {
                return java.security.KeyFactory.getInstance("RSA")
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
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
