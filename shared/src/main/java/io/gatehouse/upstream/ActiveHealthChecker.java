package io.gatehouse.upstream;

import io.gatehouse.definition.GatewayState;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Internal;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Active health checks: every target of every upstream whose {@code health-check.enabled} is true
 * gets a {@code GET <target url><path>} every {@code interval}, which must answer 2xx or 3xx within
 * {@code timeout}. {@code unhealthy-threshold} failures in a row mark the target unhealthy
 * ({@link TargetState#markHealthy}), {@code healthy-threshold} successes in a row mark it healthy
 * again. Targets start healthy.
 *
 * <p>One daemon thread schedules; probes are asynchronous calls of the JDK {@link HttpClient}, whose
 * work runs on virtual threads, and a target never has two probes in flight. Every round reads the
 * snapshot in force, so targets added by a reload are probed from the next round (a
 * {@link GatewayState.Swapped} event starts that round at once), targets removed are forgotten, and
 * a target whose upstream no longer checks health is marked healthy. Rounds come at least once a
 * second and stop when the context closes.
 *
 * <p>Container only: {@code application-lambda.yml} sets {@code gateway.health-checks.enabled: false}.
 */
@Context
@Internal
@Requires(property = HealthChecksConfiguration.PREFIX + ".enabled", notEquals = "false")
final class ActiveHealthChecker implements ApplicationEventListener<GatewayState.Swapped>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveHealthChecker.class);

    /** The longest gap between rounds, which bounds how late a reload is noticed. */
    static final long MAX_ROUND_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final long MIN_ROUND_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Supplier<Collection<Upstream>> upstreams;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService probeExecutor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;
    /** Probe bookkeeping per target; touched by the scheduler thread only, except {@code inFlight}. */
    private final Map<TargetState, Probe> probes = new IdentityHashMap<>();
    private ScheduledFuture<?> nextRound;
    private volatile boolean closed;

    @Inject
    ActiveHealthChecker(GatewayState state) {
        this(() -> state.current().upstreams().values());
    }

    ActiveHealthChecker(Supplier<Collection<Upstream>> upstreams) {
        this.upstreams = upstreams;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-health-checks");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(probeExecutor)
            .build();
        scheduler.execute(this::round);
    }

    @Override
    public void onApplicationEvent(GatewayState.Swapped event) {
        try {
            scheduler.execute(this::round);
        } catch (RejectedExecutionException e) {
            // closing: nothing to probe any more
        }
    }

    /** One round, on the scheduler thread: start every probe that is due, then plan the next round. */
    private void round() {
        if (closed) {
            return;
        }
        if (nextRound != null) {
            nextRound.cancel(false);
        }
        long now = System.nanoTime();
        long wait = MAX_ROUND_GAP_NANOS;
        try {
            Map<TargetState, Probe> seen = new IdentityHashMap<>();
            for (Upstream upstream : upstreams.get()) {
                UpstreamDefinition.HealthCheck hc = upstream.definition().healthCheck();
                for (TargetState target : upstream.targets()) {
                    if (!hc.enabled()) {
                        forget(upstream, target);
                        continue;
                    }
                    Probe probe = probes.computeIfAbsent(target, t -> new Probe(now));
                    seen.put(target, probe);
                    if (!probe.inFlight && now - probe.dueNanos >= 0) {
                        probe.dueNanos = now + hc.interval().toNanos();
                        start(upstream.name(), target, hc, probe);
                    }
                    wait = Math.min(wait, probe.dueNanos - now);
                }
            }
            probes.keySet().retainAll(seen.keySet());
        } catch (RuntimeException e) {
            LOG.error("Health-check round failed", e);
        }
        try {
            nextRound = scheduler.schedule(this::round, Math.max(MIN_ROUND_GAP_NANOS, wait), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void forget(Upstream upstream, TargetState target) {
        probes.remove(target);
        target.probeSuccesses().set(0);
        target.probeFailures().set(0);
        if (!target.healthy()) {
            target.markHealthy(true);
            LOG.info("Target {} of upstream '{}' is healthy: its health check is off", target, upstream.name());
        }
    }

    private void start(String upstream, TargetState target, UpstreamDefinition.HealthCheck hc, Probe probe) {
        probe.inFlight = true;
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(probeUri(target, hc.path()))
                .timeout(hc.timeout())
                .header("User-Agent", "gatehouse-health-check")
                .GET()
                .build();
        } catch (IllegalArgumentException e) {
            probe.inFlight = false;
            record(upstream, target, hc, false, "invalid probe URI: " + e.getMessage());
            return;
        }
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
            .orTimeout(hc.timeout().toNanos(), TimeUnit.NANOSECONDS)
            .whenComplete((response, error) -> {
                try {
                    if (closed) {
                        return;
                    }
                    if (error != null) {
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        record(upstream, target, hc, false, cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
                    } else {
                        int status = response.statusCode();
                        record(upstream, target, hc, status >= 200 && status < 400, "status " + status);
                    }
                } finally {
                    probe.inFlight = false;
                }
            });
    }

    static URI probeUri(TargetState target, String path) {
        String base = target.url().toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + path);
    }

    private static void record(String upstream, TargetState target, UpstreamDefinition.HealthCheck hc, boolean ok, String what) {
        if (ok) {
            target.probeFailures().set(0);
            int successes = target.probeSuccesses().incrementAndGet();
            if (!target.healthy() && successes >= hc.healthyThreshold()) {
                target.markHealthy(true);
                LOG.info("Target {} of upstream '{}' is healthy again after {} passed health checks", target, upstream, successes);
            }
        } else {
            target.probeSuccesses().set(0);
            int failures = target.probeFailures().incrementAndGet();
            if (target.healthy() && failures >= hc.unhealthyThreshold()) {
                target.markHealthy(false);
                LOG.warn("Target {} of upstream '{}' is unhealthy after {} failed health checks (last: {})", target, upstream,
                    failures, what);
            }
        }
    }

    /** Stops probing: no round starts and no probe result counts after this returns. */
    @PreDestroy
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        client.shutdownNow();
        probeExecutor.shutdownNow();
    }

    /** When a target is probed next, and whether a probe is running. */
    private static final class Probe {
        long dueNanos;
        volatile boolean inFlight;

        Probe(long dueNanos) {
            this.dueNanos = dueNanos;
        }
    }
}
