package io.gatehouse.policy.size;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.PolicyValidator;
import io.gatehouse.route.RouteDefinition;

/**
 * Validates a route's {@code request-limits} key when it loads (registered in
 * {@code META-INF/services}): unknown fields and sizes that are not sizes are refused with their
 * field path.
 */
public final class RequestLimitsValidator implements PolicyValidator {

    /**
     * Creates the validator; {@link java.util.ServiceLoader} calls it.
     */
    public RequestLimitsValidator() {
    }

    @Override
    public void validate(ConfigNode route, RouteDefinition.Match match) {
        RequestLimits.parse(route.get(RequestLimits.KEY));
    }
}
