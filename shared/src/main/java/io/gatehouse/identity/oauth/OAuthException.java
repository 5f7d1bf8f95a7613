package io.gatehouse.identity.oauth;

/**
 * An error of the token endpoint, answered as RFC 6749 §5.2 says rather than with the envelope.
 */
final class OAuthException extends RuntimeException {

    private final String error;
    private final int status;

    private OAuthException(String error, int status, String description) {
        super(description, null, false, false);
        this.error = error;
        this.status = status;
    }

    static OAuthException invalidRequest(String description) {
        return new OAuthException("invalid_request", 400, description);
    }

    static OAuthException invalidClient(String description) {
        return new OAuthException("invalid_client", 401, description);
    }

    static OAuthException invalidGrant(String description) {
        return new OAuthException("invalid_grant", 400, description);
    }

    static OAuthException unauthorizedClient(String description) {
        return new OAuthException("unauthorized_client", 400, description);
    }

    static OAuthException unsupportedGrantType(String description) {
        return new OAuthException("unsupported_grant_type", 400, description);
    }

    static OAuthException invalidScope(String description) {
        return new OAuthException("invalid_scope", 400, description);
    }

    String error() {
        return error;
    }

    int status() {
        return status;
    }
}
