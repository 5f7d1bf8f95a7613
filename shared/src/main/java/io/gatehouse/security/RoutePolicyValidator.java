package io.gatehouse.security;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.PolicyValidator;
import io.gatehouse.route.RouteDefinition;

/**
 * Validates the {@code auth}, {@code claims} and {@code authorization} keys of every route when it
 * is loaded (registered in {@code META-INF/services}), so a typo stops the gateway at start-up and
 * refuses a reload, with the field path, instead of opening or closing a route by surprise.
 */
public final class RoutePolicyValidator implements PolicyValidator {

    /**
     * Creates the validator; {@link java.util.ServiceLoader} calls it.
     */
    public RoutePolicyValidator() {
    }

    @Override
    public void validate(ConfigNode route, RouteDefinition.Match match) {
        RoutePolicy.parse(route, match);
    }
}
