package io.gatehouse.upstream;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One upstream's circuit breaker: a Resilience4j {@link CircuitBreaker} with a count-based sliding
 * window built from {@code circuit-breaker.*}, moving from open to half-open on its own when
 * {@code wait-in-open} has passed. It remembers when it last opened so a refused call can be told
 * how long to wait ({@code Retry-After}).
 */
final class UpstreamCircuitBreaker {

    /** A breaker that always permits and records nothing, for {@code circuit-breaker.enabled: false}. */
    static final UpstreamCircuitBreaker DISABLED = new UpstreamCircuitBreaker(null, null);

    /** The call failed: Resilience4j records a throwable, this one carries no stack. */
    private static final Exception FAILURE = new Exception("upstream call failed", null, false, false) {
    };

    /** Long calls (streams, WebSockets) are normal for a gateway: never count a call as slow. */
    private static final Duration NEVER_SLOW = Duration.ofDays(3650);

    private final CircuitBreaker breaker;
    private final UpstreamDefinition.CircuitBreaker settings;
    private volatile long openUntilNanos;

    private UpstreamCircuitBreaker(CircuitBreaker breaker, UpstreamDefinition.CircuitBreaker settings) {
        this.breaker = breaker;
        this.settings = settings;
    }

    /**
     * @param upstream the upstream's name
     * @param settings its breaker settings
     * @return a closed breaker, or {@link #DISABLED}
     */
    static UpstreamCircuitBreaker of(String upstream, UpstreamDefinition.CircuitBreaker settings) {
        if (!settings.enabled()) {
            return DISABLED;
        }
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(settings.slidingWindow())
            .minimumNumberOfCalls(Math.min(settings.minimumCalls(), settings.slidingWindow()))
            .failureRateThreshold(settings.failureRateThreshold())
            .waitDurationInOpenState(settings.waitInOpen())
            .permittedNumberOfCallsInHalfOpenState(settings.permittedInHalfOpen())
            .automaticTransitionFromOpenToHalfOpenEnabled(true)
            .slowCallDurationThreshold(NEVER_SLOW)
            .slowCallRateThreshold(100)
            .build();
        UpstreamCircuitBreaker out = new UpstreamCircuitBreaker(CircuitBreaker.of("upstream:" + upstream, config), settings);
        out.breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                out.openUntilNanos = System.nanoTime() + settings.waitInOpen().toNanos();
            }
        });
        return out;
    }

    /**
     * @return the settings it was built from, or {@code null} when disabled
     */
    UpstreamDefinition.CircuitBreaker settings() {
        return settings;
    }

    /**
     * Asks to make one call; a permitted call must end in {@link #onSuccess}, {@link #onFailure} or {@link #release}.
     *
     * @return whether the call may go ahead
     */
    boolean tryAcquire() {
        return breaker == null || breaker.tryAcquirePermission();
    }

    /**
     * @return how long a refused caller should wait: the rest of the open time, at least one second when half-open
     */
    Duration retryAfter() {
        long remaining = openUntilNanos - System.nanoTime();
        return remaining > 0 ? Duration.ofNanos(remaining) : Duration.ofSeconds(1);
    }

    void onSuccess(long durationNanos) {
        if (breaker != null) {
            breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
        }
    }

    void onFailure(long durationNanos) {
        if (breaker != null) {
            breaker.onError(durationNanos, TimeUnit.NANOSECONDS, FAILURE);
        }
    }

    void release() {
        if (breaker != null) {
            breaker.releasePermission();
        }
    }

    /**
     * @return {@code closed}, {@code open}, {@code half_open} or {@code disabled}
     */
    String state() {
        if (breaker == null) {
            return "disabled";
        }
        return switch (breaker.getState()) {
            case CLOSED, METRICS_ONLY -> "closed";
            case OPEN, FORCED_OPEN -> "open";
            case HALF_OPEN -> "half_open";
            case DISABLED -> "disabled";
        };
    }
}
