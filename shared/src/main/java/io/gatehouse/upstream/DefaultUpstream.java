package io.gatehouse.upstream;

import io.gatehouse.observability.GatewayMetrics;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An upstream's live state: its targets, its {@link LoadBalancingPolicy}, its
 * {@link UpstreamCircuitBreaker}, and the passive outlier detection fed by every
 * {@link Selection}'s outcome.
 *
 * <p>A call goes: the available targets (healthy and not ejected) are the candidates, less the
 * target a retry excludes when another remains; none left → {@code no_healthy_target}; then the
 * breaker's permission, refused → {@code circuit_open}; then the policy picks. The outcome counts
 * towards the target's consecutive failures (ejecting it at {@code outlier-detection.consecutive-failures})
 * and the breaker's window.
 */
final class DefaultUpstream implements Upstream {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultUpstream.class);

    /** The Retry-After used when nothing better is known (a target marked unhealthy by hand). */
    private static final Duration FALLBACK_RETRY_AFTER = Duration.ofSeconds(5);

    private final UpstreamDefinition definition;
    private final List<TargetState> targets;
    private final LoadBalancingPolicy policy;
    private final UpstreamCircuitBreaker breaker;
    private final Counter retries;

    DefaultUpstream(UpstreamDefinition definition, List<TargetState> targets, UpstreamCircuitBreaker breaker, Counter retries) {
        this.definition = definition;
        this.targets = List.copyOf(targets);
        this.policy = LoadBalancingPolicy.of(definition, this.targets);
        this.breaker = breaker;
        this.retries = retries;
    }

    DefaultUpstream(UpstreamDefinition definition, List<TargetState> targets) {
        this(definition, targets, UpstreamCircuitBreaker.of(definition.name(), definition.circuitBreaker()), null);
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public UpstreamDefinition definition() {
        return definition;
    }

    @Override
    public List<TargetState> targets() {
        return targets;
    }

    UpstreamCircuitBreaker breaker() {
        return breaker;
    }

    @Override
    public Selection select(String hashKey, TargetState exclude) {
        if (exclude != null && retries != null) {
            // Both engines name the target they tried when they try again.
            retries.increment();
        }
        long now = System.nanoTime();
        int n = targets.size();
        boolean[] eligible = new boolean[n];
        int count = 0;
        int excluded = -1;
        for (int i = 0; i < n; i++) {
            TargetState t = targets.get(i);
            if (t.available(now)) {
                eligible[i] = true;
                count++;
                if (t == exclude) {
                    excluded = i;
                }
            }
        }
        if (count == 0) {
            throw new UpstreamUnavailableException(name(), "no_healthy_target",
                "No healthy target of upstream '" + name() + "' is available.", untilFirstReturns(now));
        }
        if (excluded >= 0 && count > 1) {
            eligible[excluded] = false;
        }
        if (!breaker.tryAcquire()) {
            throw new UpstreamUnavailableException(name(), "circuit_open",
                "The circuit breaker of upstream '" + name() + "' is open.", breaker.retryAfter());
        }
        TargetState chosen = targets.get(policy.choose(targets, eligible, hashKey));
        chosen.outstandingCounter().incrementAndGet();
        return new TrackedSelection(chosen, now);
    }

    @Override
    public String circuitState() {
        return breaker.state();
    }

    /** The soonest a target may come back: the end of an ejection, or enough health probes. */
    private Duration untilFirstReturns(long now) {
        long best = Long.MAX_VALUE;
        UpstreamDefinition.HealthCheck hc = definition.healthCheck();
        for (TargetState t : targets) {
            long wait;
            if (!t.healthy()) {
                wait = hc.enabled() ? hc.interval().multipliedBy(hc.healthyThreshold()).toNanos() : FALLBACK_RETRY_AFTER.toNanos();
                wait = Math.max(wait, t.ejectedUntilNanos() - now);
            } else {
                wait = t.ejectedUntilNanos() - now;
            }
            best = Math.min(best, wait);
        }
        return best == Long.MAX_VALUE || best <= 0 ? FALLBACK_RETRY_AFTER : Duration.ofNanos(best);
    }

    private void recordSuccess(TargetState target, long durationNanos) {
        target.consecutiveFailures().set(0);
        breaker.onSuccess(durationNanos);
    }

    private void recordFailure(TargetState target, long durationNanos) {
        breaker.onFailure(durationNanos);
        UpstreamDefinition.OutlierDetection od = definition.outlierDetection();
        if (od.consecutiveFailures() <= 0) {
            return;
        }
        int failures = target.consecutiveFailures().incrementAndGet();
        if (failures >= od.consecutiveFailures() && target.consecutiveFailures().compareAndSet(failures, 0)) {
            target.ejectUntil(System.nanoTime() + od.ejectionTime().toNanos());
            LOG.warn("Target {} of upstream '{}' ejected for {} after {} consecutive failures", target, name(),
                od.ejectionTime(), failures);
        }
    }

    /** One call's bookkeeping: exactly one outcome counts, later ones are ignored. */
    private final class TrackedSelection implements Selection {
        private final TargetState target;
        private final long startNanos;
        private final AtomicBoolean done = new AtomicBoolean();

        TrackedSelection(TargetState target, long startNanos) {
            this.target = target;
            this.startNanos = startNanos;
        }

        @Override
        public TargetState target() {
            return target;
        }

        @Override
        public void completed(int status) {
            if (finish()) {
                long duration = System.nanoTime() - startNanos;
                if (status >= 500) {
                    recordFailure(target, duration);
                } else {
                    recordSuccess(target, duration);
                }
                target.meters().record(status >= 500 ? GatewayMetrics.TargetMeters.SERVER_ERROR : GatewayMetrics.TargetMeters.OK,
                    duration);
            }
        }

        @Override
        public void failed(FailureKind kind) {
            if (finish()) {
                long duration = System.nanoTime() - startNanos;
                recordFailure(target, duration);
                target.meters().record(switch (kind) {
                    case CONNECT -> GatewayMetrics.TargetMeters.CONNECT;
                    case TIMEOUT -> GatewayMetrics.TargetMeters.TIMEOUT;
                    case RESET -> GatewayMetrics.TargetMeters.RESET;
                    case SERVER_ERROR -> GatewayMetrics.TargetMeters.SERVER_ERROR;
                }, duration);
            }
        }

        @Override
        public void released() {
            if (finish()) {
                breaker.release();
            }
        }

        private boolean finish() {
            if (done.compareAndSet(false, true)) {
                target.outstandingCounter().decrementAndGet();
                return true;
            }
            return false;
        }

        @Override
        public String toString() {
            return "Selection[" + target + "]";
        }
    }
}
