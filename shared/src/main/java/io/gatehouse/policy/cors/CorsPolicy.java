package io.gatehouse.policy.cors;

import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.route.CompiledRoute;
import io.micronaut.core.annotation.Nullable;

/**
 * What both CORS policies share: a step only on a route with a {@code cors} key, built from its
 * {@link CorsRules}, read once when the route compiles.
 */
abstract class CorsPolicy implements Policy {

    @Override
    public final @Nullable PolicyStep compile(@Nullable CompiledRoute route) {
        CorsRules rules = route == null ? null : CorsRules.of(route.definition());
        return rules == null ? null : step(rules);
    }

    /**
     * @param rules a route's rules
     * @return its step
     */
    abstract PolicyStep step(CorsRules rules);
}
