package io.gatehouse.security.session;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.security.jwt.InvalidTokenException;
import io.gatehouse.security.jwt.JwtConfiguration;
import io.gatehouse.security.jwt.JwtVerifier;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * The gateway's own session values and login state, both bound to {@code gateway.session.secret}.
 *
 * <ul>
 *   <li>A <b>session</b> is an HS256 JWT (issuer {@value #ISSUER}, audience {@value #AUDIENCE},
 *       {@code jti} = the session id) checked in memory by the same {@link JwtVerifier} as bearer
 *       tokens, so the {@code session} method never blocks. Its {@code jti} is recorded like any
 *       issued token, so logout revokes it everywhere.</li>
 *   <li>The <b>login state</b> (state, nonce, PKCE verifier, where to go after the login) travels
 *       between the login and the callback in a cookie encrypted with {@code dir}/{@code A256GCM}
 *       under a key derived from the secret: the browser can neither read the verifier nor change
 *       anything, and any instance can finish the login.</li>
 * </ul>
 *
 * <p>Without a configured secret one is generated at start-up (and a warning says that sessions
 * will not survive a restart or be shared by other instances). Created at start-up so that a
 * short secret stops the gateway with a clear message.
 */
@Context
public class SessionTokens {

    /** The {@code iss} of session values. */
    public static final String ISSUER = "gatehouse";

    /** The {@code aud} of session values: a session value is no bearer token and vice versa. */
    public static final String AUDIENCE = "gatehouse-session";

    private static final Logger LOG = LoggerFactory.getLogger(SessionTokens.class);

    private final MACSigner signer;
    private final JwtVerifier verifier;
    private final DirectEncrypter encrypter;
    private final DirectDecrypter decrypter;
    private final boolean generated;

    SessionTokens(SessionConfiguration configuration) {
        byte[] secret;
        if (configuration.getSecret() == null) {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secret).getBytes(StandardCharsets.US_ASCII);
            generated = true;
            if (configuration.isEnabled()) {
                LOG.warn("{}.secret is not set: generated a random session secret. Sessions will not survive a restart and "
                    + "are not shared with other instances; set GATEWAY_SESSION_SECRET (at least {} bytes, the same everywhere) "
                    + "to run more than one instance.", SessionConfiguration.PREFIX, SessionConfiguration.MIN_SECRET_BYTES);
            }
        } else {
            secret = configuration.getSecret().getBytes(StandardCharsets.UTF_8);
            generated = false;
            if (secret.length < SessionConfiguration.MIN_SECRET_BYTES) {
                throw new ConfigurationException(SessionConfiguration.PREFIX + ".secret must be at least "
                    + SessionConfiguration.MIN_SECRET_BYTES + " bytes, not " + secret.length);
            }
        }
        JwtConfiguration check = new JwtConfiguration();
        check.setSecret(new String(secret, StandardCharsets.UTF_8));
        check.setIssuers(List.of(ISSUER));
        check.setAudiences(List.of(AUDIENCE));
        check.setRequiredClaims(List.of("sub", "jti"));
        check.setClockSkew(Duration.ZERO);
        try {
            this.signer = new MACSigner(secret);
            byte[] stateKey = derive(secret, "gatehouse login state");
            this.encrypter = new DirectEncrypter(stateKey);
            this.decrypter = new DirectDecrypter(stateKey);
        } catch (JOSEException e) {
            throw new ConfigurationException(SessionConfiguration.PREFIX + ".secret is not usable: " + e.getMessage());
        }
        this.verifier = JwtVerifier.standalone(check);
    }

    /**
     * @return whether the secret was generated at start-up (sessions are this instance's alone)
     */
    public boolean generatedSecret() {
        return generated;
    }

    /**
     * Signs a session value. The caller sets {@code sub}, {@code jti} and {@code exp}; issuer and
     * audience are set here.
     *
     * @param claims the session's claims
     * @return the compact JWS
     */
    public String sign(JWTClaimsSet claims) {
        JWTClaimsSet full = new JWTClaimsSet.Builder(claims).issuer(ISSUER).audience(AUDIENCE).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), full);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /**
     * Checks a session value in memory: signature, issuer, audience, expiry, {@code sub} and {@code jti}.
     *
     * @param value the cookie's value
     * @return its claims
     * @throws InvalidTokenException with the reason when any check fails
     */
    public JWTClaimsSet verify(String value) {
        return verifier.verify(value);
    }

    /**
     * Encrypts login state.
     *
     * @param claims the state, with {@code exp}
     * @return the compact JWE
     */
    public String seal(JWTClaimsSet claims) {
        EncryptedJWT jwt = new EncryptedJWT(new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM), claims);
        try {
            jwt.encrypt(encrypter);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /**
     * Decrypts login state and checks that it has not expired.
     *
     * @param value the compact JWE
     * @return the state
     * @throws InvalidTokenException when it was not sealed with this secret, was changed, or has expired
     */
    public JWTClaimsSet open(String value) {
        JWTClaimsSet claims;
        try {
            EncryptedJWT jwt = EncryptedJWT.parse(value);
            if (!JWEAlgorithm.DIR.equals(jwt.getHeader().getAlgorithm())
                || !EncryptionMethod.A256GCM.equals(jwt.getHeader().getEncryptionMethod())) {
                throw new InvalidTokenException(InvalidTokenException.Reason.ALGORITHM_NOT_ALLOWED, "The login state is not sealed by this gateway.");
            }
            jwt.decrypt(decrypter);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | JOSEException | IllegalStateException e) {
            throw new InvalidTokenException(InvalidTokenException.Reason.BAD_SIGNATURE, "The login state is not sealed by this gateway.");
        }
        Date expires = claims.getExpirationTime();
        if (expires == null || !new Date().before(expires)) {
            throw new InvalidTokenException(InvalidTokenException.Reason.EXPIRED, "The login took too long; start again.");
        }
        return claims;
    }

    private static byte[] derive(byte[] secret, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @PreDestroy
    void close() {
        verifier.close();
    }
}
