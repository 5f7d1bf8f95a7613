package io.gatehouse.upstream;

import io.gatehouse.upstream.UpstreamDefinition.CircuitBreaker;
import io.gatehouse.upstream.UpstreamDefinition.HealthCheck;
import io.gatehouse.upstream.UpstreamDefinition.LoadBalancer;
import io.gatehouse.upstream.UpstreamDefinition.OutlierDetection;
import io.micronaut.http.HttpStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.gatehouse.upstream.Upstreams.NO_BREAKER;
import static io.gatehouse.upstream.Upstreams.NO_OUTLIERS;
import static io.gatehouse.upstream.Upstreams.await;
import static io.gatehouse.upstream.Upstreams.definition;
import static io.gatehouse.upstream.Upstreams.targets;
import static io.gatehouse.upstream.Upstreams.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outcomes of selections: in-flight counting, passive outlier ejection and recovery, and the
 * circuit breaker's states as callers see them.
 */
class DefaultUpstreamTest {

    private static final String A = "http://10.0.0.1:8080";
    private static final String B = "http://10.0.0.2:8080";

    private static DefaultUpstream withOutliers(int failures, Duration ejection, String... targets) {
        return upstream(definition(LoadBalancer.ROUND_ROBIN, targets(targets), HealthCheck.DEFAULT,
            new OutlierDetection(failures, ejection), NO_BREAKER));
    }

    private static DefaultUpstream withBreaker(CircuitBreaker breaker) {
        return upstream(definition(LoadBalancer.ROUND_ROBIN, targets(A), HealthCheck.DEFAULT, NO_OUTLIERS, breaker));
    }

    /** Fails the call to the given target, selecting until it is chosen. */
    private static void failOn(DefaultUpstream upstream, TargetState target, Consumer<Selection> outcome) {
        for (int i = 0; i < 10; i++) {
            Selection s = upstream.select(null, null);
            if (s.target() == target) {
                outcome.accept(s);
                return;
            }
            s.completed(200);
        }
        throw new AssertionError(target + " never chosen");
    }

    @Test
    void everyOutcome_thenOutstandingReleasedOnce() {
        DefaultUpstream upstream = upstream(LoadBalancer.ROUND_ROBIN, targets(A));
        TargetState t = upstream.targets().getFirst();
        List<Selection> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(upstream.select(null, null));
        }
        assertEquals(4, t.outstanding());
        held.get(0).completed(200);
        held.get(1).completed(503);
        held.get(2).failed(FailureKind.RESET);
        held.get(3).released();
        held.forEach(Selection::released);
        assertEquals(0, t.outstanding());
    }

    static Stream<Arguments> failures() {
        return Stream.of(
            Arguments.of("connect failures", (Consumer<Selection>) s -> s.failed(FailureKind.CONNECT)),
            Arguments.of("timeouts", (Consumer<Selection>) s -> s.failed(FailureKind.TIMEOUT)),
            Arguments.of("resets", (Consumer<Selection>) s -> s.failed(FailureKind.RESET)),
            Arguments.of("502 responses", (Consumer<Selection>) s -> s.completed(502)),
            Arguments.of("500 responses", (Consumer<Selection>) s -> s.completed(500)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void consecutiveFailures_thenTargetEjected(String name, Consumer<Selection> failure) {
        DefaultUpstream upstream = withOutliers(3, Duration.ofSeconds(30), A, B);
        TargetState a = upstream.targets().get(0);
        failOn(upstream, a, failure);
        failOn(upstream, a, failure);
        assertEquals("healthy", a.status());
        failOn(upstream, a, failure);
        assertEquals("ejected", a.status());
        for (int i = 0; i < 20; i++) {
            Selection s = upstream.select(null, null);
            assertNotSame(a, s.target());
            s.completed(200);
        }
    }

    @Test
    void successBetweenFailures_thenCountStartsAgain() {
        DefaultUpstream upstream = withOutliers(3, Duration.ofSeconds(30), A);
        TargetState a = upstream.targets().getFirst();
        for (int round = 0; round < 5; round++) {
            upstream.select(null, null).failed(FailureKind.CONNECT);
            upstream.select(null, null).completed(503);
            upstream.select(null, null).completed(404); // a 4xx is the target working
        }
        assertEquals("healthy", a.status());
    }

    @Test
    void outlierDetectionZero_thenNeverEjected() {
        DefaultUpstream upstream = withOutliers(0, Duration.ofSeconds(30), A);
        for (int i = 0; i < 100; i++) {
            upstream.select(null, null).failed(FailureKind.CONNECT);
        }
        assertEquals("healthy", upstream.targets().getFirst().status());
    }

    @Test
    void ejectionTimeOver_thenTargetReceivesTrafficAgain() {
        DefaultUpstream upstream = withOutliers(1, Duration.ofMillis(200), A, B);
        TargetState a = upstream.targets().get(0);
        failOn(upstream, a, s -> s.failed(FailureKind.CONNECT));
        assertEquals("ejected", a.status());
        await("ejection of " + a + " ends", Duration.ofSeconds(5), () -> a.available(System.nanoTime()));
        assertEquals("healthy", a.status());
        boolean chosen = false;
        for (int i = 0; i < 4 && !chosen; i++) {
            Selection s = upstream.select(null, null);
            chosen = s.target() == a;
            s.completed(200);
        }
        assertTrue(chosen, a + " is chosen again");
    }

    @Test
    void everyTargetEjected_then503NoHealthyTargetWithRetryAfterOfFirstReturn() {
        DefaultUpstream upstream = withOutliers(1, Duration.ofSeconds(30), A, B);
        failOn(upstream, upstream.targets().get(0), s -> s.failed(FailureKind.TIMEOUT));
        failOn(upstream, upstream.targets().get(1), s -> s.failed(FailureKind.TIMEOUT));
        UpstreamUnavailableException e = assertThrows(UpstreamUnavailableException.class, () -> upstream.select(null, null));
        assertEquals(HttpStatus.SERVICE_UNAVAILABLE, e.errorCode().status());
        assertEquals("no_healthy_target", e.details().get("reason"));
        assertEquals("svc", e.details().get("upstream"));
        long retryAfter = Long.parseLong(e.headers().get("Retry-After"));
        assertTrue(retryAfter >= 29 && retryAfter <= 30, "Retry-After " + retryAfter);
    }

    @Test
    void everyTargetUnhealthy_thenRetryAfterIsTheHealthyThresholdOfProbes() {
        HealthCheck hc = new HealthCheck(true, "/health", Duration.ofSeconds(4), Duration.ofSeconds(1), 3, 2);
        DefaultUpstream upstream = upstream(definition(LoadBalancer.ROUND_ROBIN, targets(A), hc, NO_OUTLIERS, NO_BREAKER));
        upstream.targets().getFirst().markHealthy(false);
        UpstreamUnavailableException e = assertThrows(UpstreamUnavailableException.class, () -> upstream.select(null, null));
        assertEquals("no_healthy_target", e.details().get("reason"));
        assertEquals("12", e.headers().get("Retry-After"));
    }

    @Test
    void breakerDisabled_thenStateDisabledAndAlwaysPermits() {
        DefaultUpstream upstream = withBreaker(NO_BREAKER);
        for (int i = 0; i < 50; i++) {
            upstream.select(null, null).failed(FailureKind.CONNECT);
        }
        assertEquals("disabled", upstream.circuitState());
    }

    @Test
    void failureRateReached_thenOpenWithRetryAfterOfRemainingOpenTime() {
        DefaultUpstream upstream = withBreaker(new CircuitBreaker(true, 50, 4, 4, Duration.ofSeconds(30), 1));
        assertEquals("closed", upstream.circuitState());
        upstream.select(null, null).completed(200);
        upstream.select(null, null).completed(200);
        upstream.select(null, null).failed(FailureKind.CONNECT);
        assertEquals("closed", upstream.circuitState(), "3 calls are below minimum-calls");
        upstream.select(null, null).completed(503);
        assertEquals("open", upstream.circuitState());
        UpstreamUnavailableException e = assertThrows(UpstreamUnavailableException.class, () -> upstream.select(null, null));
        assertEquals(HttpStatus.SERVICE_UNAVAILABLE, e.errorCode().status());
        assertEquals("circuit_open", e.details().get("reason"));
        long retryAfter = Long.parseLong(e.headers().get("Retry-After"));
        assertTrue(retryAfter >= 29 && retryAfter <= 30, "Retry-After " + retryAfter);
        assertEquals(0, upstream.targets().getFirst().outstanding(), "a refused call holds no target");
    }

    @Test
    void successesBelowThreshold_thenStaysClosed() {
        DefaultUpstream upstream = withBreaker(new CircuitBreaker(true, 50, 4, 4, Duration.ofSeconds(30), 1));
        for (int i = 0; i < 40; i++) {
            Selection s = upstream.select(null, null);
            if (i % 4 == 0) {
                s.failed(FailureKind.RESET);
            } else {
                s.completed(i % 3 == 0 ? 404 : 200);
            }
        }
        assertEquals("closed", upstream.circuitState());
    }

    @Test
    void openThenWaitInOpenPasses_thenHalfOpenThenClosedOnSuccess() {
        DefaultUpstream upstream = withBreaker(new CircuitBreaker(true, 50, 2, 2, Duration.ofMillis(300), 2));
        upstream.select(null, null).failed(FailureKind.CONNECT);
        upstream.select(null, null).failed(FailureKind.CONNECT);
        assertEquals("open", upstream.circuitState());
        assertThrows(UpstreamUnavailableException.class, () -> upstream.select(null, null));
        await("automatic transition to half-open", Duration.ofSeconds(5), () -> upstream.circuitState().equals("half_open"));
        Selection probe1 = upstream.select(null, null);
        Selection probe2 = upstream.select(null, null);
        UpstreamUnavailableException third = assertThrows(UpstreamUnavailableException.class, () -> upstream.select(null, null));
        assertEquals("circuit_open", third.details().get("reason"), "half-open lets only permitted-in-half-open calls through");
        assertEquals("1", third.headers().get("Retry-After"));
        probe1.completed(200);
        probe2.completed(204);
        assertEquals("closed", upstream.circuitState());
        upstream.select(null, null).completed(200);
    }

    @Test
    void halfOpenProbesFail_thenOpenAgain() {
        DefaultUpstream upstream = withBreaker(new CircuitBreaker(true, 50, 2, 2, Duration.ofMillis(200), 1));
        upstream.select(null, null).failed(FailureKind.CONNECT);
        upstream.select(null, null).failed(FailureKind.CONNECT);
        await("half-open", Duration.ofSeconds(5), () -> upstream.circuitState().equals("half_open"));
        upstream.select(null, null).completed(500);
        assertEquals("open", upstream.circuitState());
    }

    @Test
    void releasedInHalfOpen_thenPermissionReturned() {
        DefaultUpstream upstream = withBreaker(new CircuitBreaker(true, 50, 2, 2, Duration.ofMillis(200), 1));
        upstream.select(null, null).failed(FailureKind.CONNECT);
        upstream.select(null, null).failed(FailureKind.CONNECT);
        await("half-open", Duration.ofSeconds(5), () -> upstream.circuitState().equals("half_open"));
        upstream.select(null, null).released();
        Selection probe = upstream.select(null, null);
        probe.completed(200);
        assertEquals("closed", upstream.circuitState());
    }

    @Test
    void retryExcludingTheOnlyTarget_thenThatTargetAgain() {
        DefaultUpstream upstream = upstream(LoadBalancer.ROUND_ROBIN, targets(A));
        Selection first = upstream.select(null, null);
        first.failed(FailureKind.CONNECT);
        assertSame(first.target(), upstream.select(null, first.target()).target());
    }
}
