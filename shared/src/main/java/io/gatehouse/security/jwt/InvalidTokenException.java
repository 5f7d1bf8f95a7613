package io.gatehouse.security.jwt;

/**
 * A bearer token that is refused, with the reason as a stable code and a sentence for the client.
 */
public final class InvalidTokenException extends RuntimeException {

    /** Why a token is refused; each code appears as {@code details.reason} in the envelope. */
    public enum Reason {
        /** Longer than {@code gateway.jwt.max-token-size}. */
        TOKEN_TOO_LARGE("token_too_large"),
        /** Not three base64url parts of a JSON header and JSON claims. */
        MALFORMED("malformed"),
        /** {@code alg: none}: an unsigned token. */
        UNSIGNED("unsigned"),
        /** An encrypted (JWE) token; only signed tokens are accepted. */
        ENCRYPTED("encrypted"),
        /** An algorithm the gateway does not verify. */
        UNSUPPORTED_ALGORITHM("unsupported_algorithm"),
        /** An algorithm the configured keys do not allow (HS* without a secret, RS* without a JWKS, key type mismatch). */
        ALGORITHM_NOT_ALLOWED("algorithm_not_allowed"),
        /** A {@code kid} that no configured key has. */
        UNKNOWN_KID("unknown_kid"),
        /** A {@code crit} header parameter the gateway does not understand. */
        UNKNOWN_CRITICAL_HEADER("unknown_critical_header"),
        /** The signature does not verify. */
        BAD_SIGNATURE("bad_signature"),
        /** The token's {@code jti} was revoked through the token service. */
        REVOKED("revoked"),
        /** {@code exp} has passed (beyond the clock skew). */
        EXPIRED("expired"),
        /** {@code nbf} is in the future (beyond the clock skew). */
        NOT_YET_VALID("not_yet_valid"),
        /** {@code iss} is not among {@code gateway.jwt.issuers}. */
        WRONG_ISSUER("wrong_issuer"),
        /** {@code aud} holds none of {@code gateway.jwt.audiences}. */
        WRONG_AUDIENCE("wrong_audience"),
        /** A claim every token must carry is missing. */
        MISSING_CLAIM("missing_claim"),
        /** The gateway has no key to verify any token with. */
        NO_KEYS("no_keys");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /**
         * @return the code as it appears in the envelope's details
         */
        public String code() {
            return code;
        }
    }

    private final Reason reason;

    /**
     * @param reason  why
     * @param message a sentence for the client; it never quotes the token
     */
    public InvalidTokenException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /**
     * @return why the token is refused
     */
    public Reason reason() {
        return reason;
    }
}
