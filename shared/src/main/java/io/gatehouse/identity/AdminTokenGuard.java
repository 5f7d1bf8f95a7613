package io.gatehouse.identity;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.route.RequestView;
import io.gatehouse.security.ForwardingGuard;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * Keeps the admin token ({@code gateway.admin.token}) at the gateway: a routed request that carries
 * it in {@code Authorization} is refused with 403 {@code forbidden} (reason
 * {@code admin_token_not_forwarded}) instead of being forwarded. Such a request is an admin call
 * that no admin endpoint serves (a mistyped {@code /admin/routes/x/y}) caught by a catch-all route;
 * forwarding it would hand the gateway's most powerful credential to an upstream.
 */
@Singleton
@Internal
final class AdminTokenGuard implements ForwardingGuard {

    private final String token;

    AdminTokenGuard(@Nullable @Property(name = AdminCredentials.TOKEN_PROPERTY) String token) {
        this.token = token == null || token.isBlank() ? null : token.trim();
    }

    @Override
    public void check(RequestView request) {
        if (token == null) {
            return;
        }
        for (String authorization : request.headers(HttpHeaders.AUTHORIZATION)) {
            if (AdminCredentials.carriesToken(authorization, token)) {
                throw new GatewayException(ErrorCode.FORBIDDEN,
                    "The request carries the gateway's admin token, which is never forwarded to an upstream; no admin "
                        + "endpoint serves " + request.method() + " " + request.path() + ".",
                    Map.of("reason", "admin_token_not_forwarded", "method", request.method(), "path", request.path()), Map.of());
            }
        }
    }
}
