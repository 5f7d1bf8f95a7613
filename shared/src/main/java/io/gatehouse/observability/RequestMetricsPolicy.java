package io.gatehouse.observability;

import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.route.CompiledRoute;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Request metrics as the first member of every chain, so that every engine records them the same
 * way: the request side counts the request in flight, {@link PolicyStep#completed} records its
 * count and duration once the exchange is over, per route, method and status.
 *
 * <ul>
 *   <li>{@code gatehouse_request_duration_seconds{route, method, status_class}}: 0.1 ms to 60 s;</li>
 *   <li>the SSO gateway's families: {@code http_request_duration_seconds} and
 *       {@code http_requests_total} {@code {method, endpoint, service, status_code}},
 *       {@code http_requests_in_progress{method, endpoint}}, and for requests that reached an
 *       upstream {@code proxy_requests_total{target_service, status_code}} and
 *       {@code proxy_duration_seconds{target_service}}.</li>
 * </ul>
 *
 * <p>{@code route} is the route id, {@code endpoint} its path template; the gateway's own
 * endpoints count under {@value GatewayMetrics#GATEWAY_ROUTE} with their template, and requests
 * nothing serves under {@value GatewayMetrics#UNMATCHED}. Methods outside the standard nine count
 * as {@code other}. The meters of a route are resolved when its chain is compiled, those of a
 * method and status on their first request: a request then costs an array scan and a few atomic
 * additions.
 */
@Singleton
@Internal
@Requires(beans = MeterRegistry.class)
final class RequestMetricsPolicy implements Policy {

    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "other"};
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final GatewayMetrics metrics;
    private final Map<String, RouteMeters> gatewayEndpoints = new ConcurrentHashMap<>();
    private final RouteMeters unmatched;

    RequestMetricsPolicy(GatewayMetrics metrics) {
        this.metrics = metrics;
        this.unmatched = new RouteMeters(metrics, GatewayMetrics.UNMATCHED, GatewayMetrics.UNMATCHED, metrics.serviceName(), null);
    }

    @Override
    public Phase phase() {
        return Phase.PREFLIGHT;
    }

    @Override
    public int getOrder() {
        // Before every other policy: it must see the request start, whoever answers it.
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public PolicyStep compile(@Nullable CompiledRoute route) {
        if (route == null) {
            return new GatewayStep();
        }
        String upstream = route.definition().upstream();
        return new Step(new RouteMeters(metrics, route.id(), route.definition().match().path().toString(), upstream, upstream));
    }

    static int methodIndex(String method) {
        return switch (method) {
            case "GET" -> 0;
            case "HEAD" -> 1;
            case "POST" -> 2;
            case "PUT" -> 3;
            case "PATCH" -> 4;
            case "DELETE" -> 5;
            case "OPTIONS" -> 6;
            case "TRACE" -> 7;
            case "CONNECT" -> 8;
            default -> 9;
        };
    }

    /** A route's step: its meters are fixed. */
    private static final class Step implements PolicyStep {
        private final RouteMeters meters;

        Step(RouteMeters meters) {
            this.meters = meters;
        }

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            meters.started(methodIndex(exchange.request().method()));
            return PolicyResult.PROCEED_STAGE;
        }

        @Override
        public void completed(PolicyExchange exchange, boolean requestRan) {
            meters.completed(exchange, methodIndex(exchange.request().method()), requestRan);
        }
    }

    /** The gateway's own endpoints and unmatched requests: the meters follow the endpoint. */
    private final class GatewayStep implements PolicyStep {

        private RouteMeters meters(PolicyExchange exchange) {
            String endpoint = exchange.endpoint();
            if (endpoint == null) {
                return unmatched;
            }
            RouteMeters meters = gatewayEndpoints.get(endpoint);
            return meters != null ? meters : gatewayEndpoints.computeIfAbsent(endpoint,
                template -> new RouteMeters(metrics, GatewayMetrics.GATEWAY_ROUTE, template, metrics.serviceName(), null));
        }

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            meters(exchange).started(methodIndex(exchange.request().method()));
            return PolicyResult.PROCEED_STAGE;
        }

        @Override
        public void completed(PolicyExchange exchange, boolean requestRan) {
            meters(exchange).completed(exchange, methodIndex(exchange.request().method()), requestRan);
        }
    }

    /** The meters of one route (or gateway endpoint), each method and status resolved on first use. */
    static final class RouteMeters {
        private final GatewayMetrics metrics;
        private final String route;
        private final String endpoint;
        private final String service;
        private final @Nullable String upstream;
        private final AtomicInteger[] inProgress = new AtomicInteger[METHODS.length];
        private volatile Entry[] entries = new Entry[0];
        private volatile Timer proxyDuration;

        RouteMeters(GatewayMetrics metrics, String route, String endpoint, String service, @Nullable String upstream) {
            this.metrics = metrics;
            this.route = route;
            this.endpoint = endpoint;
            this.service = service;
            this.upstream = upstream;
        }

        private AtomicInteger inProgress(int method) {
            AtomicInteger gauge = inProgress[method];
            if (gauge == null) {
                // The same value for every caller and thread: GatewayMetrics keeps one per name and tags.
                gauge = metrics.gauge(GatewayMetrics.HTTP_REQUESTS_IN_PROGRESS, "Requests in flight",
                    "method", METHODS[method], "endpoint", endpoint);
                inProgress[method] = gauge;
            }
            return gauge;
        }

        void started(int method) {
            inProgress(method).incrementAndGet();
        }

        void completed(PolicyExchange exchange, int method, boolean started) {
            if (started) {
                inProgress(method).decrementAndGet();
            }
            int status = exchange.status();
            Entry entry = entry(method, status);
            long nanos = exchange.durationNanos();
            entry.duration.record(nanos, TimeUnit.NANOSECONDS);
            entry.compatDuration.record(nanos, TimeUnit.NANOSECONDS);
            entry.compatCount.increment();
            if (upstream != null && exchange.upstreamTarget() != null) {
                Counter proxied = entry.proxied;
                if (proxied == null) {
                    proxied = metrics.counter(GatewayMetrics.PROXY_REQUESTS, "Requests proxied to an upstream, by the status the client got",
                        "target_service", upstream, "status_code", Integer.toString(status));
                    entry.proxied = proxied;
                }
                proxied.increment();
                Timer timer = proxyDuration;
                if (timer == null) {
                    timer = metrics.proxyDuration(upstream);
                    proxyDuration = timer;
                }
                timer.record(exchange.upstreamNanos(), TimeUnit.NANOSECONDS);
            }
        }

        private Entry entry(int method, int status) {
            int key = method << 10 | status;
            Entry[] current = entries;
            for (Entry entry : current) {
                if (entry.key == key) {
                    return entry;
                }
            }
            return add(key, method, status);
        }

        private synchronized Entry add(int key, int method, int status) {
            Entry[] current = entries;
            for (Entry entry : current) {
                if (entry.key == key) {
                    return entry;
                }
            }
            String methodName = METHODS[method];
            String code = Integer.toString(status);
            int classIndex = Math.max(1, Math.min(5, status / 100)) - 1;
            Entry entry = new Entry(key,
                metrics.timer(GatewayMetrics.REQUEST_DURATION, "Requests per route, method and status class, start to last byte",
                    GatewayMetrics.REQUEST_BUCKETS, "route", route, "method", methodName, "status_class", STATUS_CLASSES[classIndex]),
                metrics.timer(GatewayMetrics.HTTP_REQUEST_DURATION, "Request duration (the SSO gateway's histogram)",
                    GatewayMetrics.COMPAT_BUCKETS, "method", methodName, "endpoint", endpoint, "service", service, "status_code", code),
                metrics.counter(GatewayMetrics.HTTP_REQUESTS, "Requests (the SSO gateway's counter)",
                    "method", methodName, "endpoint", endpoint, "service", service, "status_code", code));
            Entry[] next = java.util.Arrays.copyOf(current, current.length + 1);
            next[current.length] = entry;
            entries = next;
            return entry;
        }
    }

    /** The meters of one method and status on one route. */
    private static final class Entry {
        final int key;
        final Timer duration;
        final Timer compatDuration;
        final Counter compatCount;
        volatile Counter proxied;

        Entry(int key, Timer duration, Timer compatDuration, Counter compatCount) {
            this.key = key;
            this.duration = duration;
            this.compatDuration = compatDuration;
            this.compatCount = compatCount;
        }
    }
}
