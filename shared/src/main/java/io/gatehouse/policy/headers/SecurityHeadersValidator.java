package io.gatehouse.policy.headers;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.PolicyValidator;
import io.gatehouse.route.RouteDefinition;

/**
 * Validates a route's {@code security-headers} key when it loads (registered in
 * {@code META-INF/services}): an unknown header key, or a value its header does not take, is
 * refused with its field path.
 */
public final class SecurityHeadersValidator implements PolicyValidator {

    /**
     * Creates the validator; {@link java.util.ServiceLoader} calls it.
     */
    public SecurityHeadersValidator() {
    }

    @Override
    public void validate(ConfigNode route, RouteDefinition.Match match) {
        SecurityHeaderRules.validate(route.get(SecurityHeaderRules.KEY));
    }
}
