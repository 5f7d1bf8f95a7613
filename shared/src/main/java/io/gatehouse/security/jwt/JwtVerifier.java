package io.gatehouse.security.jwt;

import com.nimbusds.jose.Algorithm;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.HeaderParameterNames;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.security.jwt.InvalidTokenException.Reason;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.util.StringUtils;
import io.micronaut.security.token.jwt.signature.SignatureConfiguration;
import io.micronaut.security.token.jwt.signature.secret.SecretSignature;
import io.micronaut.security.token.jwt.signature.secret.SecretSignatureConfiguration;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Checks a compact JWS bearer token completely, in memory, and returns its claims or throws
 * {@link InvalidTokenException} with the reason. The checks, in order: size; three parts of
 * canonical base64url (no padding, whitespace or other alphabet, so one token has one spelling); a
 * JSON header without duplicate members; not {@code alg: none} in any letter case; no {@code crit}
 * (not even empty) or {@code b64} parameters; an algorithm the configured keys allow (HS* only with a
 * secret, RS/PS/ES/EdDSA only with JWKS keys whose type and {@code alg} fit); a known {@code kid}; the
 * signature (micronaut-security-jwt's {@link SignatureConfiguration}s over Nimbus JOSE); claims that
 * are a JSON object without duplicate members whose {@code exp}, {@code nbf} and {@code iat} are
 * numbers in range; then {@code exp}, {@code nbf} and {@code iat} with the clock skew, {@code iss},
 * {@code aud} and the required claims. Keys named in the token itself ({@code jku}, {@code jwk},
 * {@code x5u}, {@code x5c}) are never used and never fetched.
 *
 * <p>Created at start-up so that a bad secret stops the gateway with a clear message.
 */
@Context
@Requires(property = JwtConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
public class JwtVerifier {

    /** The registered claims that hold a NumericDate (RFC 7519 2). */
    private static final List<String> NUMERIC_DATES = List.of(JWTClaimNames.EXPIRATION_TIME, JWTClaimNames.NOT_BEFORE,
        JWTClaimNames.ISSUED_AT);

    /** The largest NumericDate magnitude accepted: 9999-12-31T23:59:59Z, far from where seconds times 1000 overflows a long. */
    private static final long MAX_NUMERIC_DATE = 253_402_300_799L;

    /** The most keys tried for one token without a {@code kid}. */
    private static final int MAX_CANDIDATES = 8;

    /**
     * Tokens verified lately, by their exact text: a client sends the same bearer token with every
     * request, and its signature and claims need checking once, not per request (Envoy's
     * {@code jwt_cache_config} does the same). A hit still has its time-bound and issuer/audience
     * claims checked ({@link #checkClaims}), so an expired token is refused the instant it expires; an
     * asymmetric token's entry holds the key set that verified it and counts only while that set is
     * in force, so a key removed from the JWKS takes its tokens with it at the next refresh.
     * Revocation is checked by the caller on every request. Bounded in entries and age.
     */
    private final Cache<String, Verified> remembered = Caffeine.newBuilder()
        .maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(5)).build();

    /**
     * @param claims the verified claims
     * @param keySet the key set whose key verified an asymmetric token; {@code null} for HMAC
     */
    private record Verified(JWTClaimsSet claims, JwksKeyStore.KeySet keySet) {
    }

    private final JwtConfiguration configuration;
    private final JwksKeyStore keys;
    private final SignatureConfiguration hmac;
    private final Clock clock;

    @Inject
    JwtVerifier(JwtConfiguration configuration, JwksKeyStore keys) {
        this(configuration, keys, Clock.systemUTC());
    }

    JwtVerifier(JwtConfiguration configuration, JwksKeyStore keys, Clock clock) {
        this.configuration = configuration;
        this.keys = keys;
        this.clock = clock;
        this.hmac = hmac(configuration);
    }

    /**
     * A verifier outside the bean context, for tokens other than route bearer tokens: the ID tokens
     * of one OpenID provider (its JWKS, issuer and client id as audience) or the gateway's own
     * session cookies (the session secret). Same checks as the bean; its JWKS is fetched by the
     * calling thread when first needed, when older than {@code jwks-refresh-interval}, and once per
     * {@code jwks-cooldown} for an unknown {@code kid} (as on Lambda), so no thread runs in the
     * background and nothing connects before the first token. Callers that fetch keys must be
     * allowed to block.
     *
     * @param configuration the keys, issuers, audiences and required claims to check
     * @return the verifier; {@link #close()} it when it is no longer used
     * @throws ConfigurationException when the secret is shorter than 32 bytes
     */
    public static JwtVerifier standalone(JwtConfiguration configuration) {
        return new JwtVerifier(configuration, new JwksKeyStore(configuration, true), Clock.systemUTC());
    }

    /**
     * Releases the HTTP client of a {@link #standalone} verifier's JWKS.
     */
    public void close() {
        keys.close();
    }

    /**
     * @return whether any key (secret or JWKS) is configured
     */
    public boolean hasKeys() {
        return hmac != null || keys.configured();
    }

    /**
     * @param token the compact token, without {@code Bearer }
     * @return its verified claims
     * @throws InvalidTokenException when any check fails
     */
    public JWTClaimsSet verify(String token) {
        if (token.length() > configuration.getMaxTokenSize()) {
            throw new InvalidTokenException(Reason.TOKEN_TOO_LARGE, "The token is longer than the " + configuration.getMaxTokenSize()
                + " characters this gateway accepts.");
        }
        Verified known = remembered.getIfPresent(token);
        if (known != null && (known.keySet() == null || known.keySet() == keys.keys())) {
            checkClaims(known.claims());
            return known.claims();
        }
        String[] parts = parts(token);
        Base64URL encodedHeader = new Base64URL(parts[0]);
        JWSHeader jws = header(encodedHeader);
        SignedJWT jwt;
        try {
            jwt = new SignedJWT(encodedHeader, new Base64URL(parts[1]), new Base64URL(parts[2]));
        } catch (ParseException | RuntimeException e) {
            throw new InvalidTokenException(Reason.MALFORMED, "The token is not a well-formed signed JWT.");
        }
        JWSAlgorithm algorithm = jws.getAlgorithm();
        boolean verified;
        try {
            verified = JWSAlgorithm.Family.HMAC_SHA.contains(algorithm) ? verifyHmac(jwt, algorithm) : verifyAsymmetric(jwt, jws, algorithm);
        } catch (JOSEException e) {
            verified = false;
        }
        if (!verified) {
            throw new InvalidTokenException(Reason.BAD_SIGNATURE, "The token's signature does not verify.");
        }
        JWTClaimsSet claims = claims(jwt);
        checkClaims(claims);
        boolean symmetric = JWSAlgorithm.Family.HMAC_SHA.contains(algorithm);
        remembered.put(token, new Verified(claims, symmetric ? null : keys.keys()));
        return claims;
    }

    /**
     * @return the key refresh running now, which a token with an unknown {@code kid} may wait for; or {@code null}
     */
    public CompletableFuture<?> pendingKeyRefresh() {
        return keys.pending();
    }

    private boolean verifyHmac(SignedJWT jwt, JWSAlgorithm algorithm) throws JOSEException {
        if (hmac == null) {
            throw new InvalidTokenException(Reason.ALGORITHM_NOT_ALLOWED, algorithm + " tokens are not accepted: no HMAC secret is "
                + "configured, so this gateway accepts asymmetrically signed tokens only.");
        }
        return hmac.verify(jwt);
    }

    private boolean verifyAsymmetric(SignedJWT jwt, JWSHeader header, JWSAlgorithm algorithm) throws JOSEException {
        if (!VerificationKey.ASYMMETRIC.contains(algorithm)) {
            throw new InvalidTokenException(Reason.UNSUPPORTED_ALGORITHM, "Tokens signed with " + algorithm + " are not accepted.");
        }
        if (!keys.configured()) {
            throw new InvalidTokenException(Reason.ALGORITHM_NOT_ALLOWED, algorithm + " tokens are not accepted: no JWKS is configured, "
                + "so this gateway accepts HMAC-signed tokens only.");
        }
        String kid = header.getKeyID();
        List<VerificationKey> named = select(keys.keys(), kid);
        if (named.isEmpty()) {
            CompletableFuture<JwksKeyStore.KeySet> refresh = keys.refreshForUnknownKid();
            if (refresh != null && refresh.isDone() && !refresh.isCompletedExceptionally()) {
                named = select(refresh.join(), kid);
            }
            if (named.isEmpty()) {
                throw kid == null
                    ? new InvalidTokenException(Reason.NO_KEYS, "The gateway has no signing keys loaded from its JWKS yet.")
                    : new InvalidTokenException(Reason.UNKNOWN_KID, "The token's key id (kid) is not among the gateway's signing keys.");
            }
        }
        List<VerificationKey> usable = new ArrayList<>();
        for (VerificationKey key : named) {
            if (key.algorithms().contains(algorithm) && usable.size() < MAX_CANDIDATES) {
                usable.add(key);
            }
        }
        if (usable.isEmpty()) {
            throw new InvalidTokenException(Reason.ALGORITHM_NOT_ALLOWED, kid == null
                ? "No signing key of this gateway verifies " + algorithm + " tokens."
                : "The key named by the token's kid does not verify " + algorithm + " tokens.");
        }
        for (VerificationKey key : usable) {
            if (key.signature().verify(jwt)) {
                return true;
            }
        }
        return false;
    }

    private static List<VerificationKey> select(JwksKeyStore.KeySet set, String kid) {
        if (kid == null) {
            return set.keys();
        }
        List<VerificationKey> out = new ArrayList<>(1);
        for (VerificationKey key : set.keys()) {
            if (kid.equals(key.kid())) {
                out.add(key);
            }
        }
        return out;
    }

    /** The three parts of a compact JWS, each canonical base64url, or the reason why not. */
    private static String[] parts(String token) {
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!isBase64UrlChar(c)) {
                // Padding, '+', '/', whitespace or a second token: Nimbus's decoder would skip them, so the
                // same signature would verify under many spellings of one token.
                throw new InvalidTokenException(Reason.MALFORMED, "The token may hold only base64url characters and dots: "
                    + "no padding, spaces or second token.");
            }
        }
        if (dots == 4) {
            throw new InvalidTokenException(Reason.ENCRYPTED, "Encrypted tokens (JWE) are not accepted; send a signed JWT.");
        }
        if (dots != 2) {
            throw new InvalidTokenException(Reason.MALFORMED, "The token is not a JWT: it must be three base64url parts separated by dots.");
        }
        String[] parts = token.split("\\.", -1);
        for (String part : parts) {
            if (!canonical(part)) {
                throw new InvalidTokenException(Reason.MALFORMED, "The token's parts are not canonical base64url.");
            }
        }
        return parts;
    }

    /** The JWS header: JSON without repeated members, not {@code none} in any case, without {@code crit} or {@code b64}. */
    private static JWSHeader header(Base64URL encodedHeader) {
        Map<String, Object> headerJson;
        try {
            // Gson, under Nimbus, refuses duplicate member names: {"alg":"HS256","alg":"none"} is malformed, never ambiguous.
            headerJson = JSONObjectUtils.parse(encodedHeader.decodeToString());
        } catch (ParseException | RuntimeException e) {
            throw new InvalidTokenException(Reason.MALFORMED, "The token's header is not base64url-encoded JSON naming an algorithm.");
        }
        if (headerJson.get(HeaderParameterNames.ALGORITHM) instanceof String name && Algorithm.NONE.getName().equalsIgnoreCase(name)) {
            throw new InvalidTokenException(Reason.UNSIGNED, "Unsigned tokens (alg none) are not accepted.");
        }
        if (headerJson.containsKey(HeaderParameterNames.CRITICAL) || headerJson.containsKey(HeaderParameterNames.BASE64_URL_ENCODE_PAYLOAD)) {
            Object critical = headerJson.get(HeaderParameterNames.CRITICAL);
            throw new InvalidTokenException(Reason.UNKNOWN_CRITICAL_HEADER, "The token uses header extensions (crit, b64) that this "
                + "gateway does not understand" + (critical instanceof List<?> names && !names.isEmpty()
                ? ": " + names.stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) : "") + ".");
        }
        Header header;
        try {
            header = Header.parse(headerJson, encodedHeader);
        } catch (ParseException | RuntimeException e) {
            throw new InvalidTokenException(Reason.MALFORMED, "The token's header is not base64url-encoded JSON naming an algorithm.");
        }
        // alg none, in any letter case, was refused above: what is not a JWS header now is a JWE's.
        if (!(header instanceof JWSHeader jws)) {
            throw new InvalidTokenException(Reason.ENCRYPTED, "Encrypted tokens (JWE) are not accepted; send a signed JWT.");
        }
        return jws;
    }

    private static boolean isBase64UrlChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }

    /**
     * Whether a part of base64url characters is the one spelling of its bytes: unpadded base64url is
     * canonical unless its length leaves a single character (no whole byte) or its last character
     * carries bits the bytes do not use (4 of them after two characters of a group, 2 after three).
     * The same answer as decoding and encoding back, without either.
     */
    private static boolean canonical(String part) {
        int last = part.isEmpty() ? 0 : base64UrlValue(part.charAt(part.length() - 1));
        return switch (part.length() % 4) {
            case 1 -> false;
            case 2 -> (last & 0x0F) == 0;
            case 3 -> (last & 0x03) == 0;
            default -> true;
        };
    }

    /** The 6-bit value of a base64url character ({@link #isBase64UrlChar} holds). */
    private static int base64UrlValue(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }

    private static JWTClaimsSet claims(SignedJWT jwt) {
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(jwt.getPayload().toString());
        } catch (ParseException | RuntimeException e) {
            throw new InvalidTokenException(Reason.MALFORMED, "The token's claims are not a JSON object without repeated members.");
        }
        for (String name : NUMERIC_DATES) {
            Object value = json.get(name);
            if (value != null && !(value instanceof Number number && Math.abs(number.doubleValue()) <= MAX_NUMERIC_DATE)) {
                // Nimbus multiplies seconds by 1000 in a long: a huge nbf would wrap to 1970 and admit the token.
                throw new InvalidTokenException(Reason.MALFORMED, "The token's " + name + " is not a NumericDate: a JSON number "
                    + "of seconds before the year 10000.");
            }
        }
        try {
            return JWTClaimsSet.parse(json);
        } catch (ParseException | RuntimeException e) {
            throw new InvalidTokenException(Reason.MALFORMED, "The token's claims are not a JSON object with valid registered claims.");
        }
    }

    private void checkClaims(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Duration skew = configuration.getClockSkew();
        Date expiration = claims.getExpirationTime();
        if (expiration == null && configuration.isRequireExpiration()) {
            throw new InvalidTokenException(Reason.MISSING_CLAIM, "The token has no expiration time (exp).");
        }
        if (expiration != null && !now.isBefore(expiration.toInstant().plus(skew))) {
            throw new InvalidTokenException(Reason.EXPIRED, "The token has expired.");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now.plus(skew).isBefore(notBefore.toInstant())) {
            throw new InvalidTokenException(Reason.NOT_YET_VALID, "The token is not valid yet (nbf is in the future).");
        }
        Date issuedAt = claims.getIssueTime();
        if (issuedAt != null && now.plus(skew).isBefore(issuedAt.toInstant())) {
            throw new InvalidTokenException(Reason.NOT_YET_VALID, "The token claims to be issued in the future (iat).");
        }
        List<String> issuers = configuration.getIssuers();
        if (!issuers.isEmpty() && (claims.getIssuer() == null || !issuers.contains(claims.getIssuer()))) {
            throw new InvalidTokenException(Reason.WRONG_ISSUER, "The token's issuer (iss) is not accepted by this gateway.");
        }
        List<String> audiences = configuration.getAudiences();
        if (!audiences.isEmpty() && Collections.disjoint(audiences, claims.getAudience())) {
            throw new InvalidTokenException(Reason.WRONG_AUDIENCE, "The token is not meant for this gateway: its audience (aud) "
                + "names none of the accepted audiences.");
        }
        for (String name : configuration.getRequiredClaims()) {
            if (io.gatehouse.security.ClaimPath.resolve(claims.getClaims(), name) == null) {
                throw new InvalidTokenException(Reason.MISSING_CLAIM, "The token lacks the required claim '" + name + "'.");
            }
        }
    }

    private static SignatureConfiguration hmac(JwtConfiguration configuration) {
        byte[] secret = null;
        String source = JwtConfiguration.PREFIX + ".secret";
        if (configuration.getSecret() != null) {
            secret = configuration.getSecret().getBytes(StandardCharsets.UTF_8);
        } else if (configuration.getSecretFile() != null) {
            source = JwtConfiguration.PREFIX + ".secret-file " + configuration.getSecretFile();
            try {
                secret = Files.readString(Path.of(configuration.getSecretFile()), StandardCharsets.UTF_8)
                    .stripTrailing().getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigurationException(source + " cannot be read: " + e.getMessage());
            }
        }
        if (secret == null) {
            return null;
        }
        if (secret.length < JwtConfiguration.MIN_SECRET_BYTES) {
            throw new ConfigurationException(source + " must be at least " + JwtConfiguration.MIN_SECRET_BYTES
                + " bytes (256 bits) for HS256, not " + secret.length);
        }
        SecretSignatureConfiguration signature = new SecretSignatureConfiguration("gateway");
        signature.setSecret(new String(secret, StandardCharsets.UTF_8));
        return new SecretSignature(signature);
    }
}
