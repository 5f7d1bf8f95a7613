package io.gatehouse.admin;

import io.gatehouse.api.OwnedPaths;
import io.gatehouse.error.ErrorResponses;
import io.gatehouse.identity.AdminCredentials;
import io.gatehouse.security.HttpRequestView;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * Guards {@code /admin/**} with the admin credential: the token of {@code gateway.admin.token}
 * (the global administrator) or a verified JWT of a tenant administrator, sent as
 * {@code Authorization: Bearer <credential>}; the {@link io.gatehouse.identity.AdminPrincipal} it
 * establishes is kept on the request for the endpoints.
 *
 * <ul>
 *   <li>No token and no admin roles configured: 404, exactly as for a path that does not exist. The admin API is
 *       never open by default, and a gateway that does not use it does not advertise it.</li>
 *   <li>No or another scheme: 401 with {@code WWW-Authenticate: Bearer realm="gatehouse-admin"}.</li>
 *   <li>A wrong token: 401 with {@code error="invalid_token"} added (RFC 6750 §3).</li>
 * </ul>
 * Only the admin endpoints themselves ({@link OwnedPaths}) are guarded: another path under
 * {@code /admin} belongs to whichever route matches it, on this engine as on the streaming one.
 * The check itself is {@link AdminCredentials}, shared with the identity endpoints: tokens are
 * compared as SHA-256 digests in constant time, which also hides the configured token's length.
 */
@ServerFilter({"/admin", "/admin/**"})
@Requires(beans = AdminDefinitions.class)
final class AdminAuthenticationFilter implements Ordered {

    private final ErrorResponses errorResponses;
    private final AdminCredentials credentials;
    private final OwnedPaths ownedPaths;

    AdminAuthenticationFilter(ErrorResponses errorResponses, AdminCredentials credentials, OwnedPaths ownedPaths) {
        this.errorResponses = errorResponses;
        this.credentials = credentials;
        this.ownedPaths = ownedPaths;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> authenticate(HttpRequest<?> request) {
        if (!ownedPaths.owns(new HttpRequestView(request).path())) {
            return null; // Not an admin endpoint: a route may serve it, as on every engine.
        }
        return credentials.refusal(request).map(refused -> {
            MutableHttpResponse<?> response = errorResponses.response(request, refused.errorCode(), refused.getMessage(),
                refused.details());
            refused.headers().forEach(response.getHeaders()::add);
            return (HttpResponse<?>) response;
        }).orElse(null);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
