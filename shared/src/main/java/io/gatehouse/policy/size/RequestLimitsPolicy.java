package io.gatehouse.policy.size;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.proxy.ProxyConfiguration;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.runtime.LocalResources;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A route's {@code request-limits}, in {@link Phase#LIMITS} before rate limits, so a request
 * refused here spends none of the caller's budget.
 *
 * <ul>
 *   <li>{@code max-body}: refuses a request whose {@code Content-Length} (or body, when a policy
 *       had it read already) is larger, with 413 {@code payload_too_large}, and otherwise hands the
 *       limit to the engine ({@link PolicyExchange#limitRequestBody(long)}), which counts a body of
 *       unknown length as it arrives and never buffers it for the check. A route without it has the
 *       engine's {@code gateway.proxy.max-request-body}, enforced the same way.</li>
 *   <li>{@code max-in-flight}, checked after the size: the requests of the route one instance
 *       serves at once, from the chain's admission to the end of the exchange (the last byte of the
 *       response, the client gone, or the exchange broken off; a WebSocket or a stream for as long as
 *       it stays open). One more is answered at once with 503 {@code overloaded},
 *       {@code Retry-After: 1} and {@code details.reason: max_in_flight}, instead of queueing behind
 *       a slow or silent upstream: what Traefik's {@code inFlightReq} and Envoy's
 *       {@code max_requests} bound. The count is kept per route id across route-table changes: a
 *       reload that keeps the route keeps counting the requests already in flight. Meters:
 *       {@code gatehouse_route_in_flight{route}} and {@code gatehouse_route_overloaded_total{route}}.
 *       On Lambda a sandbox serves one request at a time, so it never bites there: bound a function
 *       with its reserved concurrency.</li>
 * </ul>
 */
@Singleton
final class RequestLimitsPolicy implements Policy {

    /** Before rate limits (order 0). */
    static final int ORDER = -1000;

    /** The exchange attribute marking an exchange that holds one of its route's places. */
    static final String HELD = "gatehouse.in-flight-held";

    private final MeterRegistry registry;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();

    RequestLimitsPolicy(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Phase phase() {
        return Phase.LIMITS;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public @Nullable PolicyStep compile(@Nullable CompiledRoute route) {
        RequestLimits limits = RequestLimits.of(route);
        if (limits == null) {
            return null;
        }
        return new Step(limits.maxBody(), limits.maxInFlight() == RequestLimits.UNSET ? null
            : inFlight.computeIfAbsent(route.id(), this::inFlight), route.id(), limits.maxInFlight());
    }

    private InFlight inFlight(String id) {
        AtomicInteger count = new AtomicInteger();
        Gauge.builder("gatehouse_route_in_flight", count, AtomicInteger::get)
            .description("Requests of a route with request-limits.max-in-flight being served on this instance").tag("route", id)
            .register(registry);
        return new InFlight(count, Counter.builder("gatehouse_route_overloaded_total")
            .description("Requests refused 503 because their route served request-limits.max-in-flight already").tag("route", id)
            .register(registry));
    }

    /** A route's count of requests in flight, and of those refused. */
    private record InFlight(AtomicInteger count, Counter refused) {
    }

    /**
     * @param maxBody  the largest body, or {@link RequestLimits#UNSET}
     * @param inFlight the route's counts when it sets {@code max-in-flight}, else {@code null}
     */
    private record Step(long maxBody, @Nullable InFlight inFlight, String route, int maxInFlight) implements PolicyStep {

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            if (maxBody != RequestLimits.UNSET) {
                limitBody(exchange);
            }
            if (inFlight != null) {
                admit(exchange);
            }
            return PolicyResult.PROCEED_STAGE;
        }

        private void limitBody(PolicyExchange exchange) {
            exchange.limitRequestBody(maxBody);
            // The route's limit, or less where the engine holds whole bodies.
            long limit = exchange.maxRequestBody(maxBody);
            byte[] body = exchange.requestBody();
            if (declaredLength(exchange.request().header("Content-Length")) > limit || body != null && body.length > limit) {
                throw ProxyConfiguration.bodyTooLarge(limit);
            }
        }

        private void admit(PolicyExchange exchange) {
            if (inFlight.count().incrementAndGet() > maxInFlight) {
                inFlight.count().decrementAndGet();
                inFlight.refused().increment();
                throw new GatewayException(ErrorCode.OVERLOADED, "Route '" + route + "' is serving as many requests as it may at once ("
                    + maxInFlight + "); retry shortly.", Map.of("reason", "max_in_flight", "route", route, "limit", maxInFlight),
                    Map.of("Retry-After", Integer.toString(LocalResources.RETRY_AFTER_SECONDS)));
            }
            exchange.attribute(HELD, inFlight);
        }

        @Override
        public void completed(PolicyExchange exchange, boolean requestRan) {
            // Only an exchange admitted here gives a place back, and only once.
            if (inFlight != null && exchange.attribute(HELD) == inFlight) {
                exchange.attribute(HELD, Boolean.FALSE);
                inFlight.count().decrementAndGet();
            }
        }

        private static long declaredLength(@Nullable String value) {
            if (value == null) {
                return -1;
            }
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                // The engines' framing checks refuse it; nothing to measure here.
                return -1;
            }
        }
    }
}
