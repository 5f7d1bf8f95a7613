package io.gatehouse.policy.cache;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.PolicyValidator;
import io.gatehouse.route.RouteDefinition;

/**
 * Validates every route's {@code cache} section when the route is loaded (registered in
 * {@code META-INF/services}): an unknown key, a method other than GET or HEAD, a missing or
 * nonsensical {@code ttl}, an unknown {@code store} or a cache on a streaming route refuses the
 * definition with the field path.
 */
public final class CacheValidator implements PolicyValidator {

    /**
     * Creates the validator; {@link java.util.ServiceLoader} calls it.
     */
    public CacheValidator() {
    }

    @Override
    public void validate(ConfigNode route, RouteDefinition.Match match) {
        CacheRule.parse(route, match);
    }
}
