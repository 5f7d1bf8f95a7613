package io.gatehouse.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.security.token.jwt.signature.SignatureConfiguration;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

/**
 * Verifies EdDSA (Ed25519) signatures with the JDK's own Ed25519 provider. micronaut-security-jwt
 * verifies RSA and EC keys only, and Nimbus's {@code Ed25519Verifier} needs Google Tink on the
 * classpath; the JDK has verified Ed25519 natively since Java 15, so no dependency is added.
 */
final class Ed25519Signature implements SignatureConfiguration {

    /** The algorithm names a token may carry for Ed25519: {@code EdDSA} (RFC 8037) and {@code Ed25519} (RFC 9864). */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    /** The DER prefix of an X.509 SubjectPublicKeyInfo holding a raw 32-byte Ed25519 key (RFC 8410). */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final PublicKey publicKey;

    private Ed25519Signature(PublicKey publicKey) {
        this.publicKey = publicKey;
    }

    /**
     * @param key an OKP key on curve Ed25519
     * @return its verifier
     * @throws JOSEException when the key is not an Ed25519 public key
     */
    static Ed25519Signature of(OctetKeyPair key) throws JOSEException {
        if (!Curve.Ed25519.equals(key.getCurve())) {
            throw new JOSEException("not an Ed25519 key: " + key.getCurve());
        }
        byte[] raw = key.getDecodedX();
        if (raw.length != 32) {
            throw new JOSEException("an Ed25519 public key has 32 bytes, not " + raw.length);
        }
        byte[] der = new byte[X509_PREFIX.length + raw.length];
        System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, raw.length);
        try {
            return new Ed25519Signature(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("invalid Ed25519 key: " + e.getMessage(), e);
        }
    }

    @Override
    public String supportedAlgorithmsMessage() {
        return "Only EdDSA (Ed25519) is supported for OKP keys";
    }

    @Override
    public boolean supports(JWSAlgorithm algorithm) {
        return ALGORITHMS.contains(algorithm);
    }

    @Override
    public boolean verify(SignedJWT jwt) throws JOSEException {
        if (!supports(jwt.getHeader().getAlgorithm()) || jwt.getSignature() == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey);
            verifier.update(jwt.getSigningInput());
            return verifier.verify(jwt.getSignature().decode());
        } catch (java.security.SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 verification failed: " + e.getMessage(), e);
        }
    }
}
