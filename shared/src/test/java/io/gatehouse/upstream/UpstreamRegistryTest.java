package io.gatehouse.upstream;

import io.gatehouse.upstream.UpstreamDefinition.CircuitBreaker;
import io.gatehouse.upstream.UpstreamDefinition.HealthCheck;
import io.gatehouse.upstream.UpstreamDefinition.LoadBalancer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.gatehouse.upstream.Upstreams.NO_OUTLIERS;
import static io.gatehouse.upstream.Upstreams.definition;
import static io.gatehouse.upstream.Upstreams.targets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * What survives a reload.
 */
class UpstreamRegistryTest {

    private static final String A = "http://10.0.0.1:8080";
    private static final String B = "http://10.0.0.2:8080";
    private static final CircuitBreaker BREAKER = new CircuitBreaker(true, 50, 2, 2, Duration.ofSeconds(30), 1);

    @Test
    void sameDefinition_thenSameUpstream() {
        UpstreamRegistry registry = new UpstreamRegistry();
        UpstreamDefinition d = definition(LoadBalancer.WEIGHTED, targets(A + "*2", B), HealthCheck.DEFAULT, NO_OUTLIERS, BREAKER);
        Upstream before = registry.reconcile(Map.of("svc", d)).get("svc");
        assertSame(before, registry.reconcile(Map.of("svc", d)).get("svc"));
    }

    @Test
    void targetAddedAndPolicyChanged_thenKeptTargetsAndOpenBreakerCarriedOver() {
        UpstreamRegistry registry = new UpstreamRegistry();
        UpstreamDefinition d1 = definition(LoadBalancer.ROUND_ROBIN, targets(A), HealthCheck.DEFAULT, NO_OUTLIERS, BREAKER);
        Upstream before = registry.reconcile(Map.of("svc", d1)).get("svc");
        TargetState a = before.targets().getFirst();
        Selection held = before.select(null, null);
        before.select(null, null).failed(FailureKind.CONNECT);
        before.select(null, null).failed(FailureKind.CONNECT);
        a.markHealthy(false);
        assertEquals("open", before.circuitState());

        UpstreamDefinition d2 = definition(LoadBalancer.LEAST_OUTSTANDING, targets(A, B), HealthCheck.DEFAULT, NO_OUTLIERS, BREAKER);
        Upstream after = registry.reconcile(Map.of("svc", d2)).get("svc");
        assertNotSame(before, after);
        assertSame(a, after.targets().getFirst());
        assertEquals("unhealthy", after.targets().getFirst().status());
        assertEquals(1, after.targets().getFirst().outstanding());
        assertEquals("open", after.circuitState());
        held.completed(200);
        assertEquals(0, a.outstanding());
    }

    @Test
    void breakerSettingsOrWeightChanged_thenFreshState() {
        UpstreamRegistry registry = new UpstreamRegistry();
        Upstream before = registry.reconcile(Map.of("svc",
            definition(LoadBalancer.ROUND_ROBIN, targets(A), HealthCheck.DEFAULT, NO_OUTLIERS, BREAKER))).get("svc");
        before.select(null, null).failed(FailureKind.CONNECT);
        before.select(null, null).failed(FailureKind.CONNECT);
        CircuitBreaker wider = new CircuitBreaker(true, 50, 10, 10, Duration.ofSeconds(30), 1);
        Upstream after = registry.reconcile(Map.of("svc",
            definition(LoadBalancer.ROUND_ROBIN, targets(A + "*2"), HealthCheck.DEFAULT, NO_OUTLIERS, wider))).get("svc");
        assertEquals("closed", after.circuitState());
        assertNotSame(before.targets().getFirst(), after.targets().getFirst());
    }
}
