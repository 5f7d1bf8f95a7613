package io.gatehouse.identity.token;

import io.gatehouse.definition.GatewayState;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.security.AccessConfiguration;
import io.gatehouse.security.AuthMode;
import io.gatehouse.security.RoutePolicy;
import io.micronaut.context.BeanProvider;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/**
 * Whether some route in force would admit a token of the token service for a project and service
 * ({@code gateway.tokens.require-accepting-route}): a route that takes a JWT ({@code auth: jwt} or
 * {@code any}, or no {@code auth} with rules or {@code gateway.require-auth}), whose
 * {@code claims.match} rules on {@code project} and {@code service} could accept the values (a
 * literal in the list, or a template whose path variables stand for one path segment), and whose
 * {@code tenant} could admit the token's tenant. A route without a rule on a claim accepts any value.
 */
@Singleton
final class RouteAcceptance {

    private static final String PROJECT = "project";
    private static final String SERVICE = "service";

    private final BeanProvider<GatewayState> state;
    private final AccessConfiguration access;

    RouteAcceptance(BeanProvider<GatewayState> state, AccessConfiguration access) {
        this.state = state;
        this.access = access;
    }

    /**
     * @param project the token's project
     * @param service the token's service
     * @param tenant  the token's tenant, or {@code null}
     * @throws GatewayException 400 {@code validation_failed} on {@code project} and {@code service} when no route accepts them
     */
    void requireAccepting(String project, String service, @Nullable String tenant) {
        for (CompiledRoute route : state.get().current().table().routes()) {
            if (accepts(RoutePolicy.of(route.definition()), project, service, tenant)) {
                return;
            }
        }
        String message = "no route accepts a token for project '" + project + "' and service '" + service + "'"
            + (tenant == null ? "" : " of tenant '" + tenant + "'") + " (gateway.tokens.require-accepting-route)";
        throw new GatewayException(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
            Map.of("violations", List.of(Map.of("field", PROJECT, "message", message), Map.of("field", SERVICE, "message", message))),
            Map.of());
    }

    private boolean accepts(RoutePolicy policy, String project, String service, @Nullable String tenant) {
        AuthMode mode = policy.effectiveAuth(access.isRequireAuth());
        if (mode != AuthMode.JWT && mode != AuthMode.ANY) {
            return false;
        }
        if (!claim(policy, PROJECT, project) || !claim(policy, SERVICE, service)) {
            return false;
        }
        if (policy.tenant() == null) {
            // A token minted for a tenant does not reach a global route.
            return tenant == null;
        }
        return policy.anyTenant() || tenant != null && RoutePolicy.couldAccept(List.of(policy.tenant()), tenant);
    }

    private static boolean claim(RoutePolicy policy, String claim, String value) {
        List<String> accepted = policy.claimMatch().get(claim);
        return accepted == null || RoutePolicy.couldAccept(accepted, value);
    }
}
