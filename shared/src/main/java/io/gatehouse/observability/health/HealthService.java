package io.gatehouse.observability.health;

import io.gatehouse.config.GatewayConfiguration;
import io.gatehouse.runtime.RuntimeMode;
import io.micronaut.core.annotation.Internal;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs every {@link DependencyCheck} concurrently, each on its own virtual thread and bounded by
 * {@link HealthConfiguration#getTimeout()}, and folds the results into one report.
 */
@Internal
@Singleton
public final class HealthService {

    private final List<DependencyCheck> checks;
    private final List<DependencyChecks> dynamicChecks;
    private final Duration timeout;
    private final RuntimeMode runtimeMode;
    private final GatewayConfiguration gateway;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    HealthService(List<DependencyCheck> checks, List<DependencyChecks> dynamicChecks, HealthConfiguration configuration,
                  RuntimeMode runtimeMode, GatewayConfiguration gateway) {
        this.checks = List.copyOf(checks);
        this.dynamicChecks = List.copyOf(dynamicChecks);
        this.timeout = configuration.getTimeout();
        this.runtimeMode = runtimeMode;
        this.gateway = gateway;
    }

    /** A check's result and how long it took, measured where it ran. */
    private record Timed(CheckResult result, long latencyMillis) {
    }

    private record Running(DependencyCheck check, long startNanos, Future<Timed> future) {
    }

    /**
     * Checks every dependency now.
     *
     * @return the report
     */
    public HealthReport report() {
        List<DependencyCheck> all = new ArrayList<>(checks);
        dynamicChecks.forEach(source -> all.addAll(source.checks()));
        all.sort(Comparator.comparing(DependencyCheck::name));
        List<Running> running = new ArrayList<>(all.size());
        for (DependencyCheck check : all) {
            long start = System.nanoTime();
            running.add(new Running(check, start, executor.submit(() -> {
                CheckResult result = check.check(timeout);
                return new Timed(result == null ? CheckResult.down("check returned nothing", Map.of()) : result,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            })));
        }
        Map<String, CheckResult> results = new LinkedHashMap<>();
        HealthStatus overall = HealthStatus.OK;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Running r : running) {
            Timed timed = await(r, deadline);
            CheckResult result = timed.result().measured(timed.latencyMillis(), r.check().critical());
            results.put(r.check().name(), result);
            overall = worse(overall, contribution(result));
        }
        return new HealthReport(overall, gateway.getServiceName(), gateway.getEnvironment(), runtimeMode.name(), results);
    }

    private Timed await(Running running, long deadlineNanos) {
        CheckResult failure;
        try {
            return running.future().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            running.future().cancel(true);
            failure = CheckResult.down("timed out after " + timeout.toMillis() + " ms", Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = CheckResult.down("interrupted", Map.of());
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            failure = CheckResult.down(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), Map.of());
        }
        return new Timed(failure, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - running.startNanos()));
    }

    private static HealthStatus contribution(CheckResult result) {
        if (result.status() == HealthStatus.OK) {
            return HealthStatus.OK;
        }
        return result.critical() && result.status() == HealthStatus.DOWN ? HealthStatus.DOWN : HealthStatus.DEGRADED;
    }

    private static HealthStatus worse(HealthStatus a, HealthStatus b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @PreDestroy
    void close() {
        executor.shutdownNow();
    }
}
