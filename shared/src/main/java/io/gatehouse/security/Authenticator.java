package io.gatehouse.security;

import io.gatehouse.route.RequestView;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One way of establishing who is calling (JWT, API key, session). Implementations are beans;
 * {@link RouteAccess} asks the ones a route's {@code auth} policy allows, in bean order, and
 * {@code auth: any} asks all of them. An authenticator must not block: whatever it needs to decide
 * (keys, revocation lists, key hashes) is in memory, refreshed in the background.
 */
public interface Authenticator {

    /**
     * @return the method name a route's {@code auth} policy names it by: {@code jwt}, {@code api-key} or {@code session}
     */
    String method();

    /**
     * The {@code WWW-Authenticate} challenge sent when no credential of any accepted kind is
     * present, such as {@code Bearer realm="gatehouse"}.
     *
     * @return the challenge
     */
    String challenge();

    /**
     * Looks for this authenticator's credential in the request and checks it.
     *
     * @param request the request's method, path and headers
     * @return {@link AuthenticationResult.Authenticated}, {@link AuthenticationResult.Absent} when the
     * request carries no credential of this kind, or {@link AuthenticationResult.Rejected} when it carries
     * one that is not valid
     */
    AuthenticationResult authenticate(RequestView request);

    /**
     * Like {@link #authenticate(RequestView)}, for callers that can wait without blocking, such as
     * a request on an event loop whose token names a key that is being fetched right now.
     *
     * @param request the request
     * @return the result, possibly later
     */
    default CompletionStage<AuthenticationResult> authenticateAsync(RequestView request) {
        return CompletableFuture.completedFuture(authenticate(request));
    }
}
