package io.gatehouse.observability;

import io.gatehouse.config.GatewayConfiguration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's meters, and the small API through which policies and engines count what they do.
 * Every meter is resolved once, when a route's chain is compiled or a target comes into force:
 * the objects handed out here ({@link RateLimitMeters}, {@link CacheMeters}, {@link RefusalMeters},
 * {@link TargetMeters}) hold their meters, so counting at request time is an
 * increment, never a tag list or a registry lookup.
 *
 * <p>The families and their labels are listed in {@code docs/observability.md}. Label values are
 * route ids, route templates, upstream names, target URLs and small fixed sets (methods, statuses,
 * reasons the gateway defines): never a raw request path or anything a client chose.
 *
 * <p>Without a meter registry ({@code micronaut.metrics.enabled: false}) everything here counts
 * into nothing.
 */
@Singleton
public final class GatewayMetrics {

    /** Timer per route, method and status class: {@code gatehouse_request_duration_seconds}. */
    public static final String REQUEST_DURATION = "gatehouse.request.duration";
    /** The SSO gateway's histogram: {@code http_request_duration_seconds}. */
    public static final String HTTP_REQUEST_DURATION = "http.request.duration";
    /** The SSO gateway's request counter: {@code http_requests_total}. */
    public static final String HTTP_REQUESTS = "http.requests";
    /** The SSO gateway's gauge of requests in flight: {@code http_requests_in_progress}. */
    public static final String HTTP_REQUESTS_IN_PROGRESS = "http.requests.in.progress";
    /** The SSO gateway's counter of proxied requests: {@code proxy_requests_total}. */
    public static final String PROXY_REQUESTS = "proxy.requests";
    /** The SSO gateway's histogram of upstream time: {@code proxy_duration_seconds}. */
    public static final String PROXY_DURATION = "proxy.duration";
    /** The SSO gateway's cache counters: {@code cache_hits_total}, {@code cache_misses_total}. */
    public static final String CACHE_HITS = "cache.hits";
    /** See {@link #CACHE_HITS}. */
    public static final String CACHE_MISSES = "cache.misses";
    /** Rate-limit decisions per route: {@code gatehouse_rate_limit_decisions_total}. */
    public static final String RATE_LIMIT_DECISIONS = "gatehouse.rate.limit.decisions";
    /** Requests route access refused, per reason: {@code gatehouse_auth_refusals_total}. */
    public static final String AUTH_REFUSALS = "gatehouse.auth.refusals";
    /** Timer per upstream call, per target and outcome: {@code gatehouse_upstream_request_duration_seconds}. */
    public static final String UPSTREAM_DURATION = "gatehouse.upstream.request.duration";
    /** WebSocket connections relayed now, per route: {@code gatehouse_websocket_connections}. */
    public static final String WEBSOCKET_CONNECTIONS = "gatehouse.websocket.connections";
    /** Retries per upstream: {@code gatehouse_upstream_retries_total}. */
    public static final String UPSTREAM_RETRIES = "gatehouse.upstream.retries";

    /** The {@code route} label of requests served by the gateway's own endpoints. */
    public static final String GATEWAY_ROUTE = "_gateway";
    /** The {@code route} and {@code endpoint} label of requests nothing serves (404, 405 on an owned path). */
    public static final String UNMATCHED = "_unmatched";

    /** Buckets of the gateway's own histograms: 0.1 ms to 60 s. */
    static final Duration[] REQUEST_BUCKETS = millis(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500,
        1000, 2500, 5000, 10_000, 30_000, 60_000);
    /** Buckets of the SSO gateway's histograms, exactly as it declared them: 0.1 ms to 1 s. */
    static final Duration[] COMPAT_BUCKETS = millis(0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000);

    private final MeterRegistry registry;
    private final String serviceName;
    private final Map<String, Timer> proxyTimers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> gauges = new ConcurrentHashMap<>();

    GatewayMetrics(@Nullable MeterRegistry registry, GatewayConfiguration configuration) {
        this.registry = registry == null ? new CompositeMeterRegistry() : registry;
        this.serviceName = configuration.getServiceName();
    }

    private static Duration[] millis(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1_000_000));
        }
        return out;
    }

    /**
     * @return the registry the meters live in
     */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * @return {@code gateway.service-name}, the {@code service} label of the gateway's own endpoints
     */
    public String serviceName() {
        return serviceName;
    }

    Timer timer(String name, String description, Duration[] buckets, String... tags) {
        return Timer.builder(name).description(description).serviceLevelObjectives(buckets).tags(tags).register(registry);
    }

    Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /**
     * A gauge's value, one per name and tags for the registry's lifetime: a handle resolved again
     * (a route's chain compiled anew on reload) gets the same value the registered gauge reads.
     */
    AtomicInteger gauge(String name, String description, String... tags) {
        return gauges.computeIfAbsent(name + " " + String.join(" ", tags), key -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder(name, value, AtomicInteger::get).description(description).tags(tags).strongReference(true).register(registry);
            return value;
        });
    }

    /**
     * @param upstream an upstream's name
     * @return {@code proxy_duration_seconds} of that upstream
     */
    Timer proxyDuration(String upstream) {
        return proxyTimers.computeIfAbsent(upstream, name -> timer(PROXY_DURATION,
            "Time from the first call to an upstream to its response head, per proxied request", COMPAT_BUCKETS,
            "target_service", name));
    }

    // ------------------------------------------------------------------ for policies

    /**
     * The rate-limit decisions of one route, for the limits policy to resolve when it compiles.
     *
     * @param route the route id
     * @return its allow and deny counters
     */
    public RateLimitMeters rateLimit(String route) {
        String description = "Rate-limit decisions per route: requests every limit let through, and requests one refused";
        return new RateLimitMeters(
            counter(RATE_LIMIT_DECISIONS, description, "route", route, "decision", "allowed"),
            counter(RATE_LIMIT_DECISIONS, description, "route", route, "decision", "denied"));
    }

    /**
     * The cache counters of one route, for the cache policy to resolve when it compiles. They are the
     * SSO gateway's {@code cache_hits_total} and {@code cache_misses_total}.
     *
     * @param route    the route id
     * @param endpoint the route's path template
     * @return its hit and miss counters
     */
    public CacheMeters cache(String route, String endpoint) {
        return new CacheMeters(
            counter(CACHE_HITS, "Responses served from the cache", "route", route, "endpoint", endpoint),
            counter(CACHE_MISSES, "Cacheable requests the cache could not answer", "route", route, "endpoint", endpoint));
    }

    /**
     * The refusal counter of one route, per reason, for route access.
     *
     * @param route the route id
     * @return its refusal counters
     */
    public RefusalMeters refusals(String route) {
        return new RefusalMeters(this, route);
    }

    /**
     * The meters of one upstream target, resolved when the target comes into force.
     *
     * @param upstream the upstream's name
     * @param target   the target's URL
     * @return its call timers
     */
    public TargetMeters target(String upstream, String target) {
        return new TargetMeters(this, upstream, target);
    }

    /**
     * The open-connections gauge of a route's WebSocket relays, for the engine that relays them:
     * incremented when a relay starts, decremented when it ends.
     *
     * @param route the route id
     * @return the gauge's value
     */
    public AtomicInteger webSocketConnections(String route) {
        return gauge(WEBSOCKET_CONNECTIONS, "WebSocket connections relayed now, per route", "route", route);
    }

    /**
     * @param upstream the upstream's name
     * @return its retry counter
     */
    public Counter retries(String upstream) {
        return counter(UPSTREAM_RETRIES, "Calls made again after a failed attempt (connect failure or a retried status)",
            "upstream", upstream);
    }

    /**
     * A route's rate-limit decisions: {@code gatehouse_rate_limit_decisions_total{route, decision}}.
     *
     * @param allowed requests every limit let through
     * @param denied  requests a limit refused
     */
    public record RateLimitMeters(Counter allowed, Counter denied) {

        /** Counts a request the limit let through. */
        public void allow() {
            allowed.increment();
        }

        /** Counts a request the limit refused. */
        public void deny() {
            denied.increment();
        }
    }

    /**
     * A route's cache: {@code cache_hits_total{route, endpoint}} and {@code cache_misses_total{route, endpoint}}.
     *
     * @param hits   responses served from the cache
     * @param misses cacheable requests it could not answer
     */
    public record CacheMeters(Counter hits, Counter misses) {

        /** Counts a response served from the cache. */
        public void hit() {
            hits.increment();
        }

        /** Counts a cacheable request the cache could not answer. */
        public void miss() {
            misses.increment();
        }
    }

    /**
     * A route's refusals: {@code gatehouse_auth_refusals_total{route, reason}}. Reasons are the
     * gateway's own codes ({@code details.reason} of the refusal, or its error code), never the
     * credential; each reason's counter is resolved the first time it is used.
     */
    public static final class RefusalMeters {
        private final GatewayMetrics metrics;
        private final String route;
        private final Map<String, Counter> byReason = new ConcurrentHashMap<>(8);

        RefusalMeters(GatewayMetrics metrics, String route) {
            this.metrics = metrics;
            this.route = route;
        }

        /**
         * @param reason the refusal's reason code, such as {@code invalid_token} or {@code group_not_allowed}
         */
        public void refused(String reason) {
            Counter counter = byReason.get(reason);
            if (counter == null) {
                counter = byReason.computeIfAbsent(reason, r -> metrics.counter(AUTH_REFUSALS,
                    "Requests route access refused, per route and reason", "route", route, "reason", r));
            }
            counter.increment();
        }
    }

    /**
     * One target's calls: {@code gatehouse_upstream_request_duration_seconds{upstream, target, outcome}},
     * from the target's selection to the call's outcome (the end of the response, or the failure).
     */
    public static final class TargetMeters {

        /** The target answered with a status below 500. */
        public static final int OK = 0;
        /** The target answered 5xx. */
        public static final int SERVER_ERROR = 1;
        /** No connection could be made. */
        public static final int CONNECT = 2;
        /** The connect or the response timed out. */
        public static final int TIMEOUT = 3;
        /** The connection broke, or the response was not valid HTTP. */
        public static final int RESET = 4;

        private static final String[] OUTCOMES = {"ok", "server_error", "connect", "timeout", "reset"};

        /** Meters that count nothing, for targets created without a registry (tests). */
        public static final TargetMeters NONE = new TargetMeters(null, null, null);

        private final GatewayMetrics metrics;
        private final String upstream;
        private final String target;
        private final Timer[] timers = new Timer[OUTCOMES.length];

        TargetMeters(GatewayMetrics metrics, String upstream, String target) {
            this.metrics = metrics;
            this.upstream = upstream;
            this.target = target;
        }

        /**
         * @param outcome one of {@link #OK}, {@link #SERVER_ERROR}, {@link #CONNECT}, {@link #TIMEOUT}, {@link #RESET}
         * @param nanos   the call's duration
         */
        public void record(int outcome, long nanos) {
            if (metrics == null) {
                return;
            }
            Timer timer = timers[outcome];
            if (timer == null) {
                // Benign race: the registry hands every caller the same timer.
                timer = metrics.timer(UPSTREAM_DURATION, "Upstream calls per target and outcome, selection to outcome",
                    REQUEST_BUCKETS, "upstream", upstream, "target", target, "outcome", OUTCOMES[outcome]);
                timers[outcome] = timer;
            }
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
