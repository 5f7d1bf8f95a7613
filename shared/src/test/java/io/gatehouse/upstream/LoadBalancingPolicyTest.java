package io.gatehouse.upstream;

import io.gatehouse.upstream.UpstreamDefinition.LoadBalancer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.gatehouse.upstream.Upstreams.targets;
import static io.gatehouse.upstream.Upstreams.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distribution of every load-balancing policy, through {@link DefaultUpstream#select}.
 */
class LoadBalancingPolicyTest {

    private static final String A = "http://10.0.0.1:8080";
    private static final String B = "http://10.0.0.2:8080";
    private static final String C = "http://10.0.0.3:8080";
    private static final String D = "http://10.0.0.4:8080";

    static Stream<Arguments> exactShares() {
        return Stream.of(
            Arguments.of("round robin, equal weights", LoadBalancer.ROUND_ROBIN, List.of(A, B, C), 3000, List.of(1000, 1000, 1000)),
            Arguments.of("round robin ignores weights", LoadBalancer.ROUND_ROBIN, List.of(A + "*3", B), 4000, List.of(2000, 2000)),
            Arguments.of("weighted 3:1", LoadBalancer.WEIGHTED, List.of(A + "*3", B), 4000, List.of(3000, 1000)),
            Arguments.of("weighted 5:1:1", LoadBalancer.WEIGHTED, List.of(A + "*5", B, C), 7000, List.of(5000, 1000, 1000)),
            Arguments.of("weighted equal", LoadBalancer.WEIGHTED, List.of(A, B), 1000, List.of(500, 500)),
            Arguments.of("consistent hash without key is round robin", LoadBalancer.CONSISTENT_HASH, List.of(A, B), 1000,
                List.of(500, 500)),
            // Completed at once, nothing is outstanding: ties go in turn.
            Arguments.of("least outstanding, all idle, goes in turn", LoadBalancer.LEAST_OUTSTANDING, List.of(A, B, C), 3000,
                List.of(1000, 1000, 1000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exactShares")
    void sequentialCalls_thenExactShares(String name, LoadBalancer lb, List<String> spec, int calls, List<Integer> expected) {
        DefaultUpstream upstream = upstream(lb, targets(spec.toArray(String[]::new)));
        Map<TargetState, Integer> counts = new LinkedHashMap<>();
        upstream.targets().forEach(t -> counts.put(t, 0));
        for (int i = 0; i < calls; i++) {
            Selection s = upstream.select(null, null);
            counts.merge(s.target(), 1, Integer::sum);
            s.completed(200);
        }
        assertEquals(expected, new ArrayList<>(counts.values()));
    }

    @Test
    void weightedFiveOneOne_thenInterleavedAsNginx() {
        DefaultUpstream upstream = upstream(LoadBalancer.WEIGHTED, targets(A + "*5", B, C));
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            Selection s = upstream.select(null, null);
            order.append((char) ('a' + upstream.targets().indexOf(s.target())));
            s.completed(200);
        }
        assertEquals("aabacaa", order.toString());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(LoadBalancer.class)
    void unavailableTarget_thenNeverChosen(LoadBalancer lb) {
        DefaultUpstream upstream = upstream(lb, targets(A, B, C));
        TargetState down = upstream.targets().get(1);
        down.markHealthy(false);
        for (int i = 0; i < 300; i++) {
            Selection s = upstream.select(lb == LoadBalancer.CONSISTENT_HASH ? "user-" + i : null, null);
            assertNotSame(down, s.target());
            s.completed(200);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(LoadBalancer.class)
    void excludedTarget_thenAnotherChosenWhileOneExists(LoadBalancer lb) {
        DefaultUpstream upstream = upstream(lb, targets(A, B));
        for (int i = 0; i < 50; i++) {
            String key = lb == LoadBalancer.CONSISTENT_HASH ? "user-" + i : null;
            Selection first = upstream.select(key, null);
            Selection retry = upstream.select(key, first.target());
            assertNotSame(first.target(), retry.target());
            first.failed(FailureKind.CONNECT);
            retry.completed(200);
        }
        upstream.targets().get(1).markHealthy(false);
        Selection only = upstream.select("k", upstream.targets().getFirst());
        assertSame(upstream.targets().getFirst(), only.target(), "the excluded target is the only candidate left");
    }

    @Test
    void roundRobinWithOneDown_thenTheOthersShareEqually() {
        DefaultUpstream upstream = upstream(LoadBalancer.ROUND_ROBIN, targets(A, B, C));
        upstream.targets().get(1).markHealthy(false);
        Map<TargetState, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            Selection s = upstream.select(null, null);
            counts.merge(s.target(), 1, Integer::sum);
            s.completed(200);
        }
        assertEquals(500, counts.get(upstream.targets().get(0)));
        assertEquals(500, counts.get(upstream.targets().get(2)));
    }

    static Stream<Arguments> heldShares() {
        return Stream.of(
            Arguments.of("equal weights", List.of(A, B, C), 300, List.of(100, 100, 100)),
            Arguments.of("weights 3:1", List.of(A + "*3", B), 400, List.of(300, 100)),
            Arguments.of("weights 2:1:1", List.of(A + "*2", B, C), 400, List.of(200, 100, 100)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("heldShares")
    void leastOutstandingWithHeldRequests_thenLoadFollowsWeights(String name, List<String> spec, int calls, List<Integer> expected) {
        DefaultUpstream upstream = upstream(LoadBalancer.LEAST_OUTSTANDING, targets(spec.toArray(String[]::new)));
        for (int i = 0; i < calls; i++) {
            upstream.select(null, null);
            // After every call no target is more than one request (one weight unit) ahead of another.
            List<TargetState> ts = upstream.targets();
            for (TargetState x : ts) {
                for (TargetState y : ts) {
                    double ahead = x.outstanding() / (double) x.weight() - y.outstanding() / (double) y.weight();
                    assertTrue(ahead <= 1.0, x + " is " + ahead + " ahead of " + y);
                }
            }
        }
        assertEquals(expected, upstream.targets().stream().map(TargetState::outstanding).toList());
    }

    @Test
    void leastOutstandingWhenOneFrees_thenItGetsTheNext() {
        DefaultUpstream upstream = upstream(LoadBalancer.LEAST_OUTSTANDING, targets(A, B, C));
        List<Selection> held = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            held.add(upstream.select(null, null));
        }
        Selection freed = held.stream().filter(s -> s.target() == upstream.targets().get(2)).findFirst().orElseThrow();
        freed.completed(200);
        assertSame(upstream.targets().get(2), upstream.select(null, null).target());
    }

    @Test
    void consistentHash_thenSameKeySameTarget() {
        DefaultUpstream upstream = upstream(LoadBalancer.CONSISTENT_HASH, targets(A, B, C));
        DefaultUpstream again = upstream(LoadBalancer.CONSISTENT_HASH, targets(A, B, C));
        for (int i = 0; i < 500; i++) {
            String key = "user-" + i;
            Selection first = upstream.select(key, null);
            first.completed(200);
            for (int j = 0; j < 3; j++) {
                Selection s = upstream.select(key, null);
                assertSame(first.target(), s.target(), key);
                s.completed(200);
            }
            assertEquals(first.target().url(), again.select(key, null).target().url(), "a rebuilt ring maps " + key + " alike");
        }
    }

    @Test
    void consistentHash_thenKeysSpreadByWeight() {
        Map<String, Integer> counts = hashCounts(upstream(LoadBalancer.CONSISTENT_HASH, targets(A + "*3", B)), 20_000);
        double shareA = counts.get(A) / 20_000.0;
        assertTrue(shareA > 0.68 && shareA < 0.82, "weight 3 of 4 got " + shareA);
    }

    @Test
    void consistentHashWhenTargetAdded_thenAboutOneNthOfKeysMoveAllToIt() {
        DefaultUpstream three = upstream(LoadBalancer.CONSISTENT_HASH, targets(A, B, C));
        DefaultUpstream four = upstream(LoadBalancer.CONSISTENT_HASH, targets(A, B, C, D));
        int keys = 20_000;
        int moved = 0;
        for (int i = 0; i < keys; i++) {
            String key = "session-" + i;
            String before = three.select(key, null).target().url().toString();
            String after = four.select(key, null).target().url().toString();
            if (!before.equals(after)) {
                moved++;
                assertEquals(D, after, key + " moved between old targets");
            }
        }
        double share = moved / (double) keys;
        assertTrue(share > 0.18 && share < 0.32, "expected about 1/4 of keys to move, got " + share);
    }

    @Test
    void consistentHashWhenTargetDown_thenOnlyItsKeysMove() {
        DefaultUpstream upstream = upstream(LoadBalancer.CONSISTENT_HASH, targets(A, B, C));
        Map<String, TargetState> before = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            Selection s = upstream.select("k" + i, null);
            before.put("k" + i, s.target());
            s.completed(200);
        }
        TargetState down = upstream.targets().get(0);
        down.markHealthy(false);
        before.forEach((key, target) -> {
            TargetState now = upstream.select(key, null).target();
            if (target == down) {
                assertNotEquals(down, now);
            } else {
                assertSame(target, now, key + " moved though its target is up");
            }
        });
    }

    private static Map<String, Integer> hashCounts(DefaultUpstream upstream, int keys) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < keys; i++) {
            Selection s = upstream.select("key-" + i, null);
            counts.merge(s.target().url().toString(), 1, Integer::sum);
            s.completed(200);
        }
        return counts;
    }
}
