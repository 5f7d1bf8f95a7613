package io.gatehouse.policy;

import io.gatehouse.definition.GatewayState;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RequestView;
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
     * Runs the response side of the gateway's own chain (security headers) on a response that no
     * chain produced: an engine's early refusal of a request it could not route (the container's
     * framing and path checks, a Lambda event that is not HTTP).
     *
     * @param response the response about to go out
     * @param secure   whether the client's connection is TLS
     */
    public void ownResponse(ResponseHead response, boolean secure) {
        PolicyChain chain = chain(null);
        if (!chain.isEmpty()) {
            chain.response(new PolicyExchange(null, NO_REQUEST, "", "", secure, false), response);
        }
    }

    /** The request of an early refusal: nothing of it is known, or trusted. */
    private static final RequestView NO_REQUEST = new RequestView() {
        @Override
        public String method() {
            return "";
        }

        @Override
        public String path() {
            return "/";
        }

        @Override
        public String host() {
            return "";
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public List<String> query(String name) {
            return List.of();
        }
    };

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
