package io.gatehouse.policy;

import io.gatehouse.route.CompiledRoute;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;

/**
 * One kind of policy, as a bean: CORS, route access, rate limits, validation, caching, transforms,
 * security headers. {@link PolicyChains} asks every policy once per route, when a route table comes
 * into force, for the {@link PolicyStep} that route needs; a route that does not use the policy
 * gets {@code null} and pays nothing for it at request time.
 *
 * <p>A new policy is this class plus its configuration section (validated at load by a
 * {@link io.gatehouse.route.PolicyValidator}); no engine changes. Policies of one {@link #phase()}
 * run in {@link #getOrder()} order.
 */
public interface Policy extends Ordered {

    /**
     * @return where the policy runs
     */
    Phase phase();

    /**
     * @param route a route of the table coming into force, or {@code null} for the gateway's own
     *              endpoints and requests no route matches
     * @return what the policy does on that route, or {@code null} when it does nothing there
     */
    @Nullable
    PolicyStep compile(@Nullable CompiledRoute route);
}
