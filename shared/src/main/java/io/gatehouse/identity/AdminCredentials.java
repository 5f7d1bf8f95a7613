package io.gatehouse.identity;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.security.AuthenticationResult;
import io.gatehouse.security.Authenticator;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.security.HttpRequestView;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one admin credential check, for the admin API's filter ({@code /admin/**}) and the
 * identity endpoints ({@code /v1/tokens}, {@code /admin/consumers}, {@code /admin/oauth-clients}).
 * It answers with an {@link AdminPrincipal}:
 *
 * <ul>
 *   <li>{@code Authorization: Bearer <gateway.admin.token>}, compared in constant time: the global
 *       administrator;</li>
 *   <li>any other bearer credential that an authenticator of the {@code jwt} (or, once it exists,
 *       {@code session}) method accepts, holding a role of {@code gateway.admin.roles} and a tenant:
 *       an administrator of that tenant.</li>
 * </ul>
 * Without a configured token and without admin roles the endpoints answer 404, as if they did not
 * exist.
 */
@Singleton
public class AdminCredentials {

    /** The property holding the admin token; {@code GATEWAY_ADMIN_TOKEN} sets it. */
    public static final String TOKEN_PROPERTY = "gateway.admin.token";

    /** The property naming the roles that make a verified JWT a tenant administrator; {@code GATEWAY_ADMIN_ROLES} sets it. */
    public static final String ROLES_PROPERTY = "gateway.admin.roles";

    /** The challenge sent with a 401. */
    public static final String REALM = "Bearer realm=\"gatehouse-admin\"";

    /**
     * The request attribute holding the verified {@link GatewayPrincipal} of a credential refused
     * with 403 (no admin role, or no tenant), so that the refusal can be recorded with who it was.
     */
    public static final String REFUSED_ATTRIBUTE = "gatehouse.admin-refused-principal";

    /** The methods whose principals may be tenant administrators (not API keys: a consumer is a caller of routes). */
    private static final Set<String> ADMIN_METHODS = Set.of("jwt", "session");

    private static final String BEARER = "Bearer ";

    private final String token;
    private final Set<String> roles;
    private final List<Authenticator> authenticators;

    AdminCredentials(@Nullable @Property(name = TOKEN_PROPERTY) String token,
                     @Nullable @Property(name = ROLES_PROPERTY) List<String> roles,
                     List<Authenticator> authenticators) {
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.roles = roles == null ? Set.of()
            : Set.copyOf(roles.stream().filter(r -> r != null && !r.isBlank()).map(String::trim).toList());
        this.authenticators = authenticators.stream().filter(a -> ADMIN_METHODS.contains(a.method())).toList();
    }

    /**
     * @param request the request to check
     * @return who calls, or why the request is refused: 404 when neither a token nor admin roles
     *         are configured, 401 (with {@code WWW-Authenticate}) when the credential is missing, of
     *         another scheme or not valid, 403 when a valid credential holds no admin role or no tenant
     */
    public Result authenticate(HttpRequest<?> request) {
        if (request.getAttribute(AdminPrincipal.ATTRIBUTE, AdminPrincipal.class).orElse(null) instanceof AdminPrincipal known) {
            return new Result(known, null);
        }
        if (token == null && roles.isEmpty()) {
            return refused(new GatewayException(ErrorCode.NOT_FOUND,
                "No route matches " + request.getMethodName() + " " + request.getPath() + ".",
                Map.of("method", request.getMethodName(), "path", request.getPath()), Map.of()));
        }
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
        if (carriesToken(authorization, token)) {
            return admitted(request, AdminPrincipal.GLOBAL);
        }
        if (!roles.isEmpty()) {
            // Any credential an admin-capable authenticator finds: a JWT now, a session cookie once sessions exist.
            Result tenantAdministrator = tenantAdministrator(request);
            if (tenantAdministrator != null) {
                return tenantAdministrator;
            }
        }
        if (!bearer) {
            return refused(new GatewayException(ErrorCode.UNAUTHORIZED,
                "This endpoint needs Authorization: Bearer <admin token>.", Map.of(),
                Map.of(HttpHeaders.WWW_AUTHENTICATE, REALM)));
        }
        return refused(invalid());
    }

    /**
     * @param authorization an {@code Authorization} value, or {@code null}
     * @param token         the admin token, or {@code null} when none is configured
     * @return whether it is {@code Bearer <admin token>}, compared in constant time
     */
    static boolean carriesToken(String authorization, String token) {
        return token != null && authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
            && Secrets.constantTimeEquals(authorization.substring(BEARER.length()).trim(), token);
    }

    /**
     * @param request the request to check
     * @return why the request is refused, or empty when it carries an admin credential
     */
    public Optional<GatewayException> refusal(HttpRequest<?> request) {
        return Optional.ofNullable(authenticate(request).refusal());
    }

    /**
     * @param request the request to check
     * @return the administrator
     * @throws GatewayException as {@link #authenticate} describes
     */
    public AdminPrincipal require(HttpRequest<?> request) {
        Result result = authenticate(request);
        if (result.refusal() != null) {
            throw result.refusal();
        }
        return result.principal();
    }

    /**
     * What {@link #authenticate} found.
     *
     * @param principal the administrator, or {@code null} when refused
     * @param refusal   the 401/403/404 to answer, or {@code null}
     */
    public record Result(@Nullable AdminPrincipal principal, @Nullable GatewayException refusal) {
    }

    /** The tenant administrator's result, or {@code null} when no admin-capable authenticator found a credential. */
    private Result tenantAdministrator(HttpRequest<?> request) {
        HttpRequestView view = new HttpRequestView(request);
        for (Authenticator authenticator : authenticators) {
            AuthenticationResult result = authenticator.authenticate(view);
            if (result instanceof AuthenticationResult.Rejected) {
                return refused(invalid());
            }
            if (result instanceof AuthenticationResult.Authenticated authenticated) {
                GatewayPrincipal principal = authenticated.principal();
                if (Collections.disjoint(roles, principal.roles())) {
                    request.setAttribute(REFUSED_ATTRIBUTE, principal);
                    return refused(new GatewayException(ErrorCode.FORBIDDEN,
                        "The credential holds none of the admin roles (gateway.admin.roles).",
                        Map.of("reason", "missing_role", "required_roles", roles.stream().sorted().toList()), Map.of()));
                }
                if (principal.tenant() == null) {
                    // Only the admin token is global: an identity provider's role never makes an all-tenant administrator.
                    request.setAttribute(REFUSED_ATTRIBUTE, principal);
                    return refused(new GatewayException(ErrorCode.FORBIDDEN,
                        "The credential holds an admin role but names no tenant (gateway.jwt.tenant-claims).",
                        Map.of("reason", "tenant_required"), Map.of()));
                }
                return admitted(request, new AdminPrincipal(principal.subject(), principal.method(), principal.tenant()));
            }
        }
        return null;
    }

    private static Result admitted(HttpRequest<?> request, AdminPrincipal principal) {
        request.setAttribute(AdminPrincipal.ATTRIBUTE, principal);
        return new Result(principal, null);
    }

    private static Result refused(GatewayException e) {
        return new Result(null, e);
    }

    private static GatewayException invalid() {
        return new GatewayException(ErrorCode.UNAUTHORIZED, "The admin credential is not valid.", Map.of(),
            Map.of(HttpHeaders.WWW_AUTHENTICATE, REALM + ", error=\"invalid_token\""));
    }
}
