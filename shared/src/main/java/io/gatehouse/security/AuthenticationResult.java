package io.gatehouse.security;

import io.gatehouse.error.GatewayException;

/**
 * What an {@link Authenticator} found in a request.
 */
public sealed interface AuthenticationResult {

    /** The request carries no credential of this authenticator's kind. */
    AuthenticationResult ABSENT = new Absent();

    /**
     * A valid credential.
     *
     * @param principal who presented it
     */
    record Authenticated(GatewayPrincipal principal) implements AuthenticationResult {
    }

    /** No credential of this kind; the next authenticator may find one. */
    record Absent() implements AuthenticationResult {
    }

    /**
     * A credential of this kind that is not valid; the request is refused with it, other
     * authenticators are not asked.
     *
     * @param error the 401 (with its {@code WWW-Authenticate} header) to answer with
     */
    record Rejected(GatewayException error) implements AuthenticationResult {
    }
}
