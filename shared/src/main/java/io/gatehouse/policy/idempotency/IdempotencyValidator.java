package io.gatehouse.policy.idempotency;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.PolicyValidator;
import io.gatehouse.route.RouteDefinition;

/**
 * Validates every route's {@code idempotency} section when the route is loaded (registered in
 * {@code META-INF/services}): an unknown key, a nonsensical {@code ttl} or {@code required}, an
 * unknown {@code store}, or the section on a streaming route or one that matches neither POST nor
 * PATCH refuses the definition with the field path.
 */
public final class IdempotencyValidator implements PolicyValidator {

    /**
     * Creates the validator; {@link java.util.ServiceLoader} calls it.
     */
    public IdempotencyValidator() {
    }

    @Override
    public void validate(ConfigNode route, RouteDefinition.Match match) {
        IdempotencyRule.parse(route, match);
    }
}
