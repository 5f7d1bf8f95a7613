package io.gatehouse.upstream;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The eligible target with the fewest requests in flight relative to its weight
 * ({@code outstanding / weight}; with equal weights simply the fewest). Ties go in turn: the scan
 * starts one target further on each call and keeps the first of the lowest.
 */
final class LeastOutstandingPolicy implements LoadBalancingPolicy {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int choose(List<TargetState> targets, boolean[] eligible, String hashKey) {
        int n = targets.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        int best = -1;
        long bestLoad = 0;
        long bestWeight = 1;
        for (int j = 0; j < n; j++) {
            int i = (start + j) % n;
            if (!eligible[i]) {
                continue;
            }
            TargetState t = targets.get(i);
            long load = t.outstanding();
            long weight = t.weight();
            // load / weight < bestLoad / bestWeight, without division
            if (best < 0 || load * bestWeight < bestLoad * weight) {
                best = i;
                bestLoad = load;
                bestWeight = weight;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("no eligible target");
        }
        return best;
    }
}
