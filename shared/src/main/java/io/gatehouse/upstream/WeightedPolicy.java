package io.gatehouse.upstream;

import java.util.List;

/**
 * Smooth weighted round robin, as nginx's {@code ngx_http_upstream_get_peer} does it: every pick
 * adds each eligible target's weight to its current weight, takes the target with the highest
 * current weight (the first on a tie) and subtracts the total weight from it. Weights 5:1:1 give
 * {@code a a b a c a a}, never five {@code a} in a row, and over any multiple of the total weight
 * the shares are exact.
 */
final class WeightedPolicy implements LoadBalancingPolicy {

    private final int[] weights;
    private final long[] current;

    WeightedPolicy(List<TargetState> targets) {
        this.weights = targets.stream().mapToInt(TargetState::weight).toArray();
        this.current = new long[weights.length];
    }

    @Override
    public synchronized int choose(List<TargetState> targets, boolean[] eligible, String hashKey) {
        long total = 0;
        int best = -1;
        for (int i = 0; i < weights.length; i++) {
            if (!eligible[i]) {
                continue;
            }
            current[i] += weights[i];
            total += weights[i];
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("no eligible target");
        }
        current[best] -= total;
        return best;
    }
}
