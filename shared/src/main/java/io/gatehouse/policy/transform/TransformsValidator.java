package io.gatehouse.policy.transform;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.PolicyValidator;
import io.gatehouse.route.RouteDefinition;

/**
 * Validates every route's {@code transforms} when it is loaded (registered in
 * {@code META-INF/services}): an unknown key, a header the gateway owns, an unknown placeholder or
 * a path variable the route does not have is refused with its field path.
 */
public final class TransformsValidator implements PolicyValidator {

    /**
     * Creates the validator; {@link java.util.ServiceLoader} calls it.
     */
    public TransformsValidator() {
    }

    @Override
    public void validate(ConfigNode route, RouteDefinition.Match match) {
        Transforms.parse(route, match);
    }
}
