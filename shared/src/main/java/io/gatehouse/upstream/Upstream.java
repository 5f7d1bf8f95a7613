package io.gatehouse.upstream;

import java.util.List;

/**
 * The live state of one upstream: its targets, load balancer and circuit breaker.
 */
public interface Upstream {

    /**
     * @return the upstream's name
     */
    String name();

    /**
     * @return its definition
     */
    UpstreamDefinition definition();

    /**
     * @return its targets' states, in configured order
     */
    List<TargetState> targets();

    /**
     * Chooses a target for one call and counts it in flight.
     *
     * @param hashKey the value of the consistent-hash key ({@code hash-on}), or {@code null}
     * @param exclude a target already tried for this request (a retry), or {@code null}
     * @return the selection, to be completed exactly once
     * @throws UpstreamUnavailableException when no target is available or the circuit is open
     */
    Selection select(String hashKey, TargetState exclude);

    /**
     * @return the circuit breaker's state: {@code closed}, {@code open}, {@code half_open} or {@code disabled}
     */
    String circuitState();
}
