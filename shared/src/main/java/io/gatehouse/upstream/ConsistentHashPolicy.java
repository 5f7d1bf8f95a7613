package io.gatehouse.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A hash ring with virtual nodes: each target owns {@value #POINTS_PER_WEIGHT} points per unit of
 * weight (weights reduced by their greatest common divisor, the ring capped at
 * {@value #MAX_POINTS} points), placed by hashing {@code <target url>#<n>}. A key goes to the owner
 * of the first point at or after its hash; when that target may not be chosen the walk goes on
 * clockwise to the next one that may. Because points depend only on a target's own URL, adding a
 * target moves about {@code 1/N} of the keys, all to the new target. A request without a key is
 * balanced round robin.
 */
final class ConsistentHashPolicy implements LoadBalancingPolicy {

    /** Virtual nodes per unit of weight, as ketama and Envoy's ring hash default to. */
    static final int POINTS_PER_WEIGHT = 160;

    /** The largest ring; larger weight sums are scaled down to it. */
    static final int MAX_POINTS = 160_000;

    private final long[] points;
    private final int[] owners;
    private final RoundRobinPolicy fallback = new RoundRobinPolicy();

    ConsistentHashPolicy(List<TargetState> targets) {
        int gcd = 0;
        for (TargetState t : targets) {
            gcd = gcd(gcd, t.weight());
        }
        long units = 0;
        for (TargetState t : targets) {
            units += t.weight() / gcd;
        }
        double scale = Math.min(1.0, MAX_POINTS / (double) (units * POINTS_PER_WEIGHT));
        int[] perTarget = new int[targets.size()];
        int total = 0;
        for (int i = 0; i < targets.size(); i++) {
            perTarget[i] = Math.max(1, (int) Math.round(POINTS_PER_WEIGHT * (targets.get(i).weight() / gcd) * scale));
            total += perTarget[i];
        }
        long[][] ring = new long[total][];
        int k = 0;
        for (int i = 0; i < targets.size(); i++) {
            String base = targets.get(i).url().toString() + "#";
            for (int v = 0; v < perTarget[i]; v++) {
                ring[k++] = new long[] {hash(base + v), i};
            }
        }
        Arrays.sort(ring, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        this.points = new long[total];
        this.owners = new int[total];
        for (int j = 0; j < total; j++) {
            points[j] = ring[j][0];
            owners[j] = (int) ring[j][1];
        }
    }

    @Override
    public int choose(List<TargetState> targets, boolean[] eligible, String hashKey) {
        if (hashKey == null) {
            return fallback.choose(targets, eligible, null);
        }
        int start = Arrays.binarySearch(points, hash(hashKey));
        if (start < 0) {
            start = -start - 1;
        }
        for (int j = 0; j < points.length; j++) {
            int owner = owners[(start + j) % points.length];
            if (eligible[owner]) {
                return owner;
            }
        }
        throw new IllegalArgumentException("no eligible target");
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, finished with MurmurHash3's fmix64 for avalanche. */
    static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93fe53ec63bL;
        h ^= h >>> 33;
        return h;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? Math.max(a, 1) : gcd(b, a % b);
    }
}
