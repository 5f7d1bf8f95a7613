package io.gatehouse.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import io.micronaut.security.token.jwt.signature.SignatureConfiguration;
import io.micronaut.security.token.jwt.signature.ec.ECSignature;
import io.micronaut.security.token.jwt.signature.ec.ECSignatureConfiguration;
import io.micronaut.security.token.jwt.signature.rsa.RSASignature;

import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.Set;

/**
 * One public key from a JWKS, ready to verify: its id, the algorithms it may verify, and
 * micronaut-security-jwt's signature configuration for it (built once, when the set is fetched).
 *
 * @param kid        the key id, or {@code null}
 * @param algorithms the algorithms this key verifies (narrowed by the key's own {@code alg})
 * @param signature  the verifier
 */
record VerificationKey(String kid, Set<JWSAlgorithm> algorithms, SignatureConfiguration signature) {

    static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
        JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

    private static final Map<Curve, JWSAlgorithm> EC = Map.of(
        Curve.P_256, JWSAlgorithm.ES256, Curve.P_384, JWSAlgorithm.ES384, Curve.P_521, JWSAlgorithm.ES512);

    /** Every asymmetric algorithm the gateway verifies. */
    static final Set<JWSAlgorithm> ASYMMETRIC;

    static {
        java.util.Set<JWSAlgorithm> all = new java.util.HashSet<>(RSA);
        all.addAll(EC.values());
        all.addAll(Ed25519Signature.ALGORITHMS);
        ASYMMETRIC = Set.copyOf(all);
    }

    /**
     * @param jwk a key from a JWKS
     * @return the key ready to verify, or {@code null} when it cannot verify signatures (symmetric,
     * encryption-only, unknown type or curve)
     * @throws JOSEException when the key material is invalid
     */
    static VerificationKey of(JWK jwk) throws JOSEException {
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            return null;
        }
        Set<JWSAlgorithm> algorithms;
        SignatureConfiguration signature;
        if (jwk instanceof RSAKey rsa) {
            RSAPublicKey publicKey = rsa.toRSAPublicKey();
            algorithms = RSA;
            signature = new RSASignature(() -> publicKey);
        } else if (jwk instanceof ECKey ec && EC.containsKey(ec.getCurve())) {
            ECPublicKey publicKey = ec.toECPublicKey();
            JWSAlgorithm algorithm = EC.get(ec.getCurve());
            algorithms = Set.of(algorithm);
            signature = new ECSignature(new ECSignatureConfiguration() {
                @Override
                public ECPublicKey getPublicKey() {
                    return publicKey;
                }

                @Override
                public JWSAlgorithm getJwsAlgorithm() {
                    return algorithm;
                }
            });
        } else if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
            algorithms = Ed25519Signature.ALGORITHMS;
            signature = Ed25519Signature.of(okp);
        } else {
            // Symmetric ("oct") keys in a JWKS are never used: a published key must not become an HMAC secret.
            return null;
        }
        if (jwk.getAlgorithm() != null) {
            JWSAlgorithm declared = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
            if (!algorithms.contains(declared)) {
                return null;
            }
            algorithms = Ed25519Signature.ALGORITHMS.contains(declared) ? Ed25519Signature.ALGORITHMS : Set.of(declared);
        }
        return new VerificationKey(jwk.getKeyID(), algorithms, signature);
    }
}
