package io.gatehouse.identity;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.Optional;

/**
 * The one admin credential check: {@code Authorization: Bearer <gateway.admin.token>}, compared in
 * constant time. The admin API's filter ({@code /admin/**}) and the identity endpoints
 * ({@code /v1/tokens}, {@code /admin/consumers}, {@code /admin/oauth-clients}) all use it. Without
 * a configured token the endpoints answer 404, as if they did not exist.
 */
@Singleton
public class AdminCredentials {

    /** The property holding the admin token; {@code GATEWAY_ADMIN_TOKEN} sets it. */
    public static final String TOKEN_PROPERTY = "gateway.admin.token";

    /** The challenge sent with a 401. */
    public static final String REALM = "Bearer realm=\"gatehouse-admin\"";

    private static final String BEARER = "Bearer ";

    private final String token;

    AdminCredentials(@Nullable @Property(name = TOKEN_PROPERTY) String token) {
        this.token = token == null || token.isBlank() ? null : token.trim();
    }

    /**
     * @param request the request to check
     * @return why the request is refused, or empty when it carries the admin token: 404 when no
     *         token is configured, 401 (with {@code WWW-Authenticate}) when the credential is
     *         missing, of another scheme or wrong
     */
    public Optional<GatewayException> refusal(HttpRequest<?> request) {
        if (token == null) {
            return Optional.of(new GatewayException(ErrorCode.NOT_FOUND,
                "No route matches " + request.getMethodName() + " " + request.getPath() + ".",
                Map.of("method", request.getMethodName(), "path", request.getPath()), Map.of()));
        }
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(new GatewayException(ErrorCode.UNAUTHORIZED,
                "This endpoint needs Authorization: Bearer <admin token>.", Map.of(),
                Map.of(HttpHeaders.WWW_AUTHENTICATE, REALM)));
        }
        if (!Secrets.constantTimeEquals(authorization.substring(BEARER.length()).trim(), token)) {
            return Optional.of(new GatewayException(ErrorCode.UNAUTHORIZED, "The admin token is not valid.", Map.of(),
                Map.of(HttpHeaders.WWW_AUTHENTICATE, REALM + ", error=\"invalid_token\"")));
        }
        return Optional.empty();
    }

    /**
     * @param request the request to check
     * @throws GatewayException as {@link #refusal} describes
     */
    public void require(HttpRequest<?> request) {
        Optional<GatewayException> refused = refusal(request);
        if (refused.isPresent()) {
            throw refused.get();
        }
    }
}
