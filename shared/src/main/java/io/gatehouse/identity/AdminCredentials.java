package io.gatehouse.identity;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * The admin credential check of the identity endpoints ({@code /v1/tokens}, {@code /admin/consumers},
 * {@code /admin/oauth-clients}): {@code Authorization: Bearer <gateway.admin.token>}, compared in
 * constant time. Without a configured token the endpoints answer 404, as if they did not exist.
 *
 * <p>The admin API ({@code io.gatehouse.admin}) has a check of its own; the two are meant to be
 * one.
 */
@Singleton
public class AdminCredentials {

    /** The property holding the admin token; {@code GATEWAY_ADMIN_TOKEN} sets it. */
    public static final String TOKEN_PROPERTY = "gateway.admin.token";

    private static final String BEARER = "Bearer ";

    private final String token;

    AdminCredentials(@Nullable @Property(name = TOKEN_PROPERTY) String token) {
        this.token = token == null || token.isBlank() ? null : token.trim();
    }

    /**
     * @param request the request to check
     * @throws GatewayException 404 when no admin token is configured, 401 (with
     *                          {@code WWW-Authenticate: Bearer}) when the credential is missing or wrong
     */
    public void require(HttpRequest<?> request) {
        if (token == null) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "No route matches " + request.getMethodName() + " " + request.getPath() + ".",
                Map.of("method", request.getMethodName(), "path", request.getPath()), Map.of());
        }
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        String presented = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
            ? authorization.substring(BEARER.length()).trim() : null;
        if (!Secrets.constantTimeEquals(presented, token)) {
            throw new GatewayException(ErrorCode.UNAUTHORIZED,
                presented == null ? "This endpoint needs the admin token as a Bearer credential." : "The admin token is not valid.",
                Map.of(), Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gatehouse-admin\""));
        }
    }
}
