package io.gatehouse.upstream;

import java.util.List;

/**
 * How one upstream picks a target among those that may be called now. An instance belongs to one
 * upstream and keeps that upstream's balancing state (a turn counter, current weights, a hash ring).
 * Implementations are thread-safe.
 */
interface LoadBalancingPolicy {

    /**
     * Picks one target.
     *
     * @param targets  the upstream's targets in configured order
     * @param eligible {@code eligible[i]} tells whether {@code targets.get(i)} may be chosen; at least one may
     * @param hashKey  the consistent-hash key, or {@code null}; policies other than consistent hash ignore it
     * @return the index of the chosen target, always an eligible one
     */
    int choose(List<TargetState> targets, boolean[] eligible, String hashKey);

    /**
     * @param definition the upstream's definition
     * @param targets    its targets in configured order
     * @return a fresh policy of the configured kind
     */
    static LoadBalancingPolicy of(UpstreamDefinition definition, List<TargetState> targets) {
        return switch (definition.loadBalancer()) {
            case ROUND_ROBIN -> new RoundRobinPolicy();
            case WEIGHTED -> new WeightedPolicy(targets);
            case LEAST_OUTSTANDING -> new LeastOutstandingPolicy();
            case CONSISTENT_HASH -> new ConsistentHashPolicy(targets);
        };
    }

    /**
     * @param eligible eligibility flags
     * @return how many are set
     */
    static int count(boolean[] eligible) {
        int count = 0;
        for (boolean e : eligible) {
            if (e) {
                count++;
            }
        }
        return count;
    }
}
