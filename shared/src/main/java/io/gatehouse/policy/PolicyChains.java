package io.gatehouse.policy;

import io.gatehouse.definition.GatewayState;
import io.gatehouse.route.CompiledRoute;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.OrderUtil;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles and keeps the {@link PolicyChain} of every route: every {@link Policy} bean is asked
 * once per route when a route table comes into force, so a request only looks its chain up.
 */
@Singleton
public final class PolicyChains {

    private final List<Policy> policies;
    private final Map<CompiledRoute, PolicyChain> chains = new ConcurrentHashMap<>();
    private volatile PolicyChain own;

    PolicyChains(List<Policy> policies, GatewayState state) {
        List<Policy> sorted = new ArrayList<>(policies);
        sorted.sort(Comparator.<Policy, Phase>comparing(Policy::phase).thenComparing(OrderUtil.COMPARATOR));
        this.policies = List.copyOf(sorted);
        compileAll(state.current());
    }

    /**
     * @param route a route, or {@code null} for the gateway's own endpoints
     * @return its chain
     */
    public PolicyChain chain(@Nullable CompiledRoute route) {
        if (route == null) {
            PolicyChain chain = own;
            return chain == null ? (own = compile(null)) : chain;
        }
        PolicyChain chain = chains.get(route);
        return chain == null ? chains.computeIfAbsent(route, this::compile) : chain;
    }

    /**
     * @return the policies in the order they run
     */
    public List<Policy> policies() {
        return policies;
    }

    @EventListener
    void onSwap(GatewayState.Swapped swapped) {
        compileAll(swapped.snapshot());
    }

    private void compileAll(GatewayState.Snapshot snapshot) {
        // Requests in flight on the old table recompile their route on demand.
        chains.clear();
        own = compile(null);
        for (CompiledRoute route : snapshot.table().routes()) {
            chains.put(route, compile(route));
        }
    }

    private PolicyChain compile(@Nullable CompiledRoute route) {
        List<PolicyStep> steps = new ArrayList<>();
        List<Phase> phases = new ArrayList<>();
        for (Policy policy : policies) {
            PolicyStep step = policy.compile(route);
            if (step != null) {
                steps.add(step);
                phases.add(policy.phase());
            }
        }
        return steps.isEmpty() ? PolicyChain.EMPTY : new PolicyChain(steps, phases);
    }
}
