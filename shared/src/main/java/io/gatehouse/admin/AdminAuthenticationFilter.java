package io.gatehouse.admin;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.ErrorResponses;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * Guards {@code /admin/**} with the token of {@code gateway.admin.token}, sent as
 * {@code Authorization: Bearer <token>}.
 *
 * <ul>
 *   <li>No token configured: 404, exactly as for a path that does not exist. The admin API is
 *       never open by default, and a gateway that does not use it does not advertise it.</li>
 *   <li>No or another scheme: 401 with {@code WWW-Authenticate: Bearer realm="gatehouse-admin"}.</li>
 *   <li>A wrong token: 401 with {@code error="invalid_token"} added (RFC 6750 §3).</li>
 * </ul>
 * Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, which takes the same
 * time wherever they differ, and hashing first hides the configured token's length too.
 */
@ServerFilter({"/admin", "/admin/**"})
@Requires(beans = AdminDefinitions.class)
final class AdminAuthenticationFilter implements Ordered {

    static final String REALM = "Bearer realm=\"gatehouse-admin\"";

    private final ErrorResponses errorResponses;
    private final byte[] expected;

    AdminAuthenticationFilter(ErrorResponses errorResponses, AdminConfiguration configuration) {
        this.errorResponses = errorResponses;
        this.expected = configuration.getToken().map(AdminAuthenticationFilter::digest).orElse(null);
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> authenticate(HttpRequest<?> request) {
        if (expected == null) {
            return errorResponses.response(request, ErrorCode.NOT_FOUND,
                "No route matches " + request.getMethodName() + " " + request.getPath() + ".",
                Map.of("method", request.getMethodName(), "path", request.getPath()));
        }
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return errorResponses.response(request, ErrorCode.UNAUTHORIZED,
                    "The admin API needs Authorization: Bearer <admin token>.", Map.of())
                .header(HttpHeaders.WWW_AUTHENTICATE, REALM);
        }
        if (!MessageDigest.isEqual(expected, digest(authorization.substring(7).trim()))) {
            return errorResponses.response(request, ErrorCode.UNAUTHORIZED, "The admin token is not valid.", Map.of())
                .header(HttpHeaders.WWW_AUTHENTICATE, REALM + ", error=\"invalid_token\"");
        }
        return null;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
