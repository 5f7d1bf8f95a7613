package io.gatehouse.identity.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Signs the gateway's own tokens: HS256 with {@code gateway.jwt.secret}
 * ({@code GATEWAY_JWT_SECRET}), the secret the verifier in {@code io.gatehouse.security} checks
 * them with. The secret must be at least 32 bytes (RFC 7518 §3.2).
 */
@Singleton
public class TokenSigner {

    /** The property holding the HMAC secret. */
    public static final String SECRET_PROPERTY = "gateway.jwt.secret";

    /** The shortest secret HS256 accepts, in bytes. */
    public static final int MIN_SECRET_BYTES = 32;

    private final MACSigner signer;
    private final String problem;

    TokenSigner(@Nullable @Property(name = SECRET_PROPERTY) String secret) {
        MACSigner created = null;
        String why = null;
        if (secret == null || secret.isBlank()) {
            why = SECRET_PROPERTY + " is not set";
        } else if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            why = SECRET_PROPERTY + " is shorter than " + MIN_SECRET_BYTES + " bytes";
        } else {
            try {
                created = new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
            } catch (JOSEException e) {
                why = e.getMessage();
            }
        }
        this.signer = created;
        this.problem = why;
    }

    /**
     * @param claims the claims
     * @return the compact JWS, {@code typ: JWT}, {@code alg: HS256}
     * @throws GatewayException 503 when no usable secret is configured
     */
    public String sign(JWTClaimsSet claims) {
        if (signer == null) {
            throw new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "The gateway cannot sign tokens: " + problem + ".",
                Map.of("property", SECRET_PROPERTY), Map.of());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
