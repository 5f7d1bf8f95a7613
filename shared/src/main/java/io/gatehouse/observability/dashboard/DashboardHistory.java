package io.gatehouse.observability.dashboard;

import io.gatehouse.definition.GatewayState;
import io.gatehouse.observability.GatewayMetrics;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.upstream.TargetState;
import io.gatehouse.upstream.Upstream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the dashboard shows, sampled from the gateway's meters every
 * {@code gateway.dashboard.interval} on a daemon thread of its own: per route the requests, the
 * 5xx answers and the p99 of each interval (from {@code gatehouse_request_duration_seconds}'
 * buckets) for the last 15 minutes, the rate-limit denials of each interval, the open streams
 * (requests in flight on streaming routes and relayed WebSocket connections), the last server errors, and, read when an update is made, the routes, the
 * upstreams' targets with their health and breaker, and the route table's revision. Each sample and
 * each route-table swap pushes an update to every open {@link #updates()} stream.
 */
@Singleton
@Requires(property = DashboardConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class DashboardHistory {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardHistory.class);
    private static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int RECENT_ERRORS = 20;

    private final GatewayMetrics metrics;
    private final GatewayState state;
    private final JsonMapper json;
    private final Duration interval;
    private final int points;
    private final Map<String, RouteSeries> series = new LinkedHashMap<>();
    private final ArrayDeque<long[]> denials = new ArrayDeque<>();
    private final ArrayDeque<Map<String, Object>> errors = new ArrayDeque<>();
    private final Sinks.Many<String> updates = Sinks.many().multicast().directBestEffort();
    private final ScheduledExecutorService sampler;
    private double lastDenied;

    DashboardHistory(GatewayMetrics metrics, GatewayState state, JsonMapper json, DashboardConfiguration configuration) {
        this.metrics = metrics;
        this.state = state;
        this.json = json;
        this.interval = configuration.getInterval();
        this.points = (int) Math.max(2, WINDOW.toMillis() / interval.toMillis());
        this.sampler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("gatehouse-dashboard").factory());
        sampler.scheduleWithFixedDelay(this::sampleAndPush, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * @return every update from now on, each the whole dashboard as JSON
     */
    Flux<String> updates() {
        return updates.asFlux();
    }

    /**
     * @return the sampling interval
     */
    Duration interval() {
        return interval;
    }

    /**
     * Remembers a server error for the recent-errors list.
     *
     * @param error its time, route, method, path, status and request id
     */
    synchronized void error(Map<String, Object> error) {
        errors.addFirst(error);
        while (errors.size() > RECENT_ERRORS) {
            errors.removeLast();
        }
    }

    @EventListener
    void onSwap(GatewayState.Swapped swapped) {
        push();
    }

    private void sampleAndPush() {
        try {
            sample();
            push();
        } catch (RuntimeException e) {
            LOG.warn("The dashboard could not sample the meters", e);
        }
    }

    private void push() {
        updates.tryEmitNext(snapshot());
    }

    /** One interval's worth: per route the requests, 5xx and p99 since the last sample. */
    synchronized void sample() {
        long now = System.currentTimeMillis();
        Map<String, double[]> totals = new HashMap<>();
        Map<String, double[]> buckets = new HashMap<>();
        double[] bounds = null;
        for (Timer timer : metrics.registry().find(GatewayMetrics.REQUEST_DURATION).timers()) {
            String route = timer.getId().getTag("route");
            double[] total = totals.computeIfAbsent(route, r -> new double[2]);
            long count = timer.count();
            total[0] += count;
            if ("5xx".equals(timer.getId().getTag("status_class"))) {
                total[1] += count;
            }
            CountAtBucket[] counts = timer.takeSnapshot().histogramCounts();
            double[] sum = buckets.computeIfAbsent(route, r -> new double[counts.length]);
            if (bounds == null) {
                bounds = new double[counts.length];
                for (int i = 0; i < counts.length; i++) {
                    bounds[i] = counts[i].bucket(TimeUnit.MILLISECONDS);
                }
            }
            for (int i = 0; i < counts.length && i < sum.length; i++) {
                sum[i] += counts[i].count();
            }
        }
        for (Map.Entry<String, double[]> entry : totals.entrySet()) {
            RouteSeries route = series.computeIfAbsent(entry.getKey(), r -> new RouteSeries());
            route.add(now, entry.getValue(), buckets.get(entry.getKey()), bounds, points);
        }
        double denied = 0;
        for (Counter counter : metrics.registry().find(GatewayMetrics.RATE_LIMIT_DECISIONS).tag("decision", "denied").counters()) {
            denied += counter.count();
        }
        denials.addLast(new long[] {now, Math.round(denied - lastDenied)});
        lastDenied = denied;
        while (denials.size() > points) {
            denials.removeFirst();
        }
    }

    /**
     * @return the whole dashboard as JSON
     */
    synchronized String snapshot() {
        GatewayState.Snapshot current = state.current();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", System.currentTimeMillis());
        out.put("revision", current.table().version());
        out.put("interval_seconds", interval.toMillis() / 1000.0);
        List<Map<String, Object>> routes = new ArrayList<>();
        long streams = 0;
        for (CompiledRoute route : current.table().routes()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", route.id());
            r.put("path", route.definition().match().path().toString());
            r.put("upstream", route.definition().upstream());
            r.put("requests", requests(route.id()));
            RouteSeries history = series.get(route.id());
            r.put("series", history == null ? List.of() : history.json());
            routes.add(r);
            if (route.definition().streaming()) {
                streams += inFlight(route.definition().match().path().toString());
            }
        }
        out.put("routes", routes);
        for (Gauge gauge : metrics.registry().find(GatewayMetrics.WEBSOCKET_CONNECTIONS).gauges()) {
            streams += Math.round(gauge.value());
        }
        List<Map<String, Object>> upstreams = new ArrayList<>();
        for (Upstream upstream : current.upstreams().values()) {
            List<Map<String, Object>> targets = new ArrayList<>();
            for (TargetState target : upstream.targets()) {
                targets.add(Map.of("url", target.url().toString(), "status", target.status(), "outstanding", target.outstanding()));
            }
            upstreams.add(Map.of("name", upstream.name(), "circuit", upstream.circuitState(), "targets", targets));
        }
        out.put("upstreams", upstreams);
        List<List<Long>> denied = new ArrayList<>();
        denials.forEach(d -> denied.add(List.of(d[0], d[1])));
        out.put("rate_limit_denials", denied);
        out.put("open_streams", streams);
        out.put("recent_errors", List.copyOf(errors));
        try {
            return json.writeValueAsString(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Requests of a route since the gateway started: the live count, not the last sample's. */
    private long requests(String route) {
        long count = 0;
        for (Timer timer : metrics.registry().find(GatewayMetrics.REQUEST_DURATION).tag("route", route).timers()) {
            count += timer.count();
        }
        return count;
    }

    private long inFlight(String endpoint) {
        long count = 0;
        for (Gauge gauge : metrics.registry().find(GatewayMetrics.HTTP_REQUESTS_IN_PROGRESS).tag("endpoint", endpoint).gauges()) {
            count += Math.round(gauge.value());
        }
        return count;
    }

    @PreDestroy
    void close() {
        sampler.shutdownNow();
        updates.tryEmitComplete();
    }

    /** One route's samples, oldest first. */
    private static final class RouteSeries {
        private final ArrayDeque<double[]> points = new ArrayDeque<>();
        private double lastCount;
        private double lastErrors;
        private double[] lastBuckets;

        void add(long time, double[] totals, double[] buckets, double[] bounds, int max) {
            double requests = totals[0] - lastCount;
            double errors = totals[1] - lastErrors;
            double p99 = Double.NaN;
            if (buckets != null && bounds != null && requests > 0) {
                double[] delta = new double[buckets.length];
                for (int i = 0; i < buckets.length; i++) {
                    delta[i] = buckets[i] - (lastBuckets == null ? 0 : lastBuckets[i]);
                }
                // Cumulative buckets: the first whose count reaches 99 % of the interval's requests.
                for (int i = 0; i < delta.length; i++) {
                    if (delta[i] >= 0.99 * requests) {
                        p99 = bounds[i];
                        break;
                    }
                }
                if (Double.isNaN(p99)) {
                    p99 = bounds[bounds.length - 1];
                }
            }
            lastCount = totals[0];
            lastErrors = totals[1];
            lastBuckets = buckets;
            points.addLast(new double[] {time, requests, errors, p99});
            while (points.size() > max) {
                points.removeFirst();
            }
        }

        List<Map<String, Object>> json() {
            List<Map<String, Object>> out = new ArrayList<>(points.size());
            for (double[] p : points) {
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("t", (long) p[0]);
                point.put("requests", (long) p[1]);
                point.put("errors", (long) p[2]);
                point.put("p99_ms", Double.isNaN(p[3]) ? null : p[3]);
                out.add(point);
            }
            return out;
        }
    }
}
