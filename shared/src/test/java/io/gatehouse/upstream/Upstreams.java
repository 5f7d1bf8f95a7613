package io.gatehouse.upstream;

import io.gatehouse.testing.Await;
import io.gatehouse.upstream.UpstreamDefinition.CircuitBreaker;
import io.gatehouse.upstream.UpstreamDefinition.HealthCheck;
import io.gatehouse.upstream.UpstreamDefinition.LoadBalancer;
import io.gatehouse.upstream.UpstreamDefinition.OutlierDetection;
import io.gatehouse.upstream.UpstreamDefinition.Target;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Builders of upstream definitions and live upstreams for this package's tests.
 */
final class Upstreams {

    /** No ejection, no breaker, no health checks: policy behaviour only. */
    static final OutlierDetection NO_OUTLIERS = new OutlierDetection(0, Duration.ofSeconds(30));
    static final CircuitBreaker NO_BREAKER = new CircuitBreaker(false, 50, 20, 100, Duration.ofSeconds(30), 5);

    private Upstreams() {
    }

    /**
     * @param spec "url" or "url*weight"
     */
    static List<Target> targets(String... spec) {
        List<Target> out = new ArrayList<>();
        for (String s : spec) {
            int star = s.indexOf('*');
            out.add(star < 0 ? new Target(URI.create(s), 1) : new Target(URI.create(s.substring(0, star)), Integer.parseInt(s.substring(star + 1))));
        }
        return out;
    }

    static UpstreamDefinition definition(LoadBalancer lb, List<Target> targets, HealthCheck hc, OutlierDetection od,
                                         CircuitBreaker cb) {
        return new UpstreamDefinition("svc", targets, lb, lb == LoadBalancer.CONSISTENT_HASH ? "header:x-user" : null, hc, od, cb);
    }

    static DefaultUpstream upstream(LoadBalancer lb, List<Target> targets) {
        return upstream(definition(lb, targets, HealthCheck.DEFAULT, NO_OUTLIERS, NO_BREAKER));
    }

    static DefaultUpstream upstream(UpstreamDefinition definition) {
        return new DefaultUpstream(definition, definition.targets().stream().map(TargetState::new).toList());
    }

    /** Waits for a condition, failing after the deadline; polls, never asserts on elapsed time. */
    static void await(String what, Duration deadline, BooleanSupplier condition) {
        Await.until(what, deadline, condition);
    }
}
