package io.gatehouse.observability.health;

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
    private final Duration timeout;
    private final RuntimeMode runtimeMode;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    HealthService(List<DependencyCheck> checks, HealthConfiguration configuration, RuntimeMode runtimeMode) {
        this.checks = checks.stream().sorted(Comparator.comparing(DependencyCheck::name)).toList();
        this.timeout = configuration.getTimeout();
        this.runtimeMode = runtimeMode;
    }

    /**
     * Checks every dependency now.
     *
     * @return the report
     */
    public HealthReport report() {
        record Running(DependencyCheck check, long startNanos, Future<CheckResult> future) {
        }
        List<Running> running = new ArrayList<>(checks.size());
        for (DependencyCheck check : checks) {
            long start = System.nanoTime();
            running.add(new Running(check, start, executor.submit(() -> check.check(timeout))));
        }
        Map<String, CheckResult> results = new LinkedHashMap<>();
        HealthStatus overall = HealthStatus.OK;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Running r : running) {
            CheckResult result = await(r.future(), deadline);
            long latencyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r.startNanos());
            result = result.measured(latencyMillis, r.check().critical());
            results.put(r.check().name(), result);
            overall = worse(overall, contribution(result));
        }
        return new HealthReport(overall, runtimeMode.name(), results);
    }

    private CheckResult await(Future<CheckResult> future, long deadlineNanos) {
        try {
            long left = Math.max(0, deadlineNanos - System.nanoTime());
            CheckResult result = future.get(left, TimeUnit.NANOSECONDS);
            return result == null ? CheckResult.down("check returned nothing", Map.of()) : result;
        } catch (TimeoutException e) {
            future.cancel(true);
            return CheckResult.down("timed out after " + timeout.toMillis() + " ms", Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.down("interrupted", Map.of());
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return CheckResult.down(message, Map.of());
        }
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
