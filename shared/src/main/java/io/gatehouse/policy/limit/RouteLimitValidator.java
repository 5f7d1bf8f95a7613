package io.gatehouse.policy.limit;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.PolicyValidator;
import io.gatehouse.route.RouteDefinition;

/**
 * Validates a route's {@code limits} when the route is loaded (registered in
 * {@code META-INF/services}): {@code per: fortnight} refuses the definition, naming
 * {@code routes[0].limits[0].per}. That a {@code plan} it names exists is checked with the whole
 * definition, by {@link io.gatehouse.definition.GatewayDefinition#of}.
 */
public final class RouteLimitValidator implements PolicyValidator {

    /**
     * Creates the validator; {@link java.util.ServiceLoader} calls it.
     */
    public RouteLimitValidator() {
    }

    @Override
    public void validate(ConfigNode route, RouteDefinition.Match match) {
        LimitDefinitions.route(route.get("limits"));
    }
}
