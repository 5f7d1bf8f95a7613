package io.gatehouse.policy.cors;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.PolicyValidator;
import io.gatehouse.route.RouteDefinition;

/**
 * Validates a route's {@code cors} key when it loads (registered in {@code META-INF/services}):
 * unknown fields, malformed origins, {@code *} together with {@code credentials: true}, method and
 * header names and {@code max-age} are refused with their field path.
 */
public final class CorsValidator implements PolicyValidator {

    /**
     * Creates the validator; {@link java.util.ServiceLoader} calls it.
     */
    public CorsValidator() {
    }

    @Override
    public void validate(ConfigNode route, RouteDefinition.Match match) {
        CorsRules.parse(route.get(CorsRules.KEY), match);
    }
}
