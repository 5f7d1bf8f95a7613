package io.gatehouse.upstream;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each eligible target in turn, weights ignored. The turn counts over the eligible targets only, so
 * a target that is down does not hand its share to its neighbour.
 */
final class RoundRobinPolicy implements LoadBalancingPolicy {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int choose(List<TargetState> targets, boolean[] eligible, String hashKey) {
        int k = Math.floorMod(next.getAndIncrement(), LoadBalancingPolicy.count(eligible));
        for (int i = 0; i < eligible.length; i++) {
            if (eligible[i] && k-- == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("no eligible target");
    }
}
