package io.gatehouse.policy.size;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.PolicyStep;
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
 * A route's concurrency limit ({@code request-limits.max-in-flight}): the requests of the route
 * one instance serves at once, from the chain's admission to the end of the exchange (the last
 * byte of the response, the client gone, or the exchange broken off; a WebSocket or a stream for
 * as long as it stays open). One more is answered at once with 503 {@code overloaded},
 * {@code Retry-After: 1} and {@code details.reason: max_in_flight}, instead of queueing behind a
 * slow or silent upstream: what Traefik's {@code inFlightReq} and Envoy's {@code max_requests}
 * bound. It runs in {@link Phase#LIMITS} after the body limit and before rate limits, so a request
 * refused here spends none of the caller's budget.
 *
 * <p>The count is kept per route id across route-table changes: a reload that keeps the route
 * keeps counting the requests already in flight. Meters: {@code gatehouse_route_in_flight{route}}
 * and {@code gatehouse_route_overloaded_total{route}}. On Lambda a sandbox serves one request at a
 * time, so the limit never bites there: bound a function with its reserved concurrency.
 */
@Singleton
final class InFlightPolicy implements Policy {

    /** After the body limit ({@link RequestSizePolicy#ORDER}), before rate limits (order 0). */
    static final int ORDER = RequestSizePolicy.ORDER + 100;

    /** The exchange attribute marking an exchange that holds one of its route's places. */
    static final String HELD = "gatehouse.in-flight-held";

    private final MeterRegistry registry;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    InFlightPolicy(MeterRegistry registry) {
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
        return limits == null || limits.maxInFlight() == RequestLimits.UNSET ? null
            : new Step(route.id(), limits.maxInFlight(), routes.computeIfAbsent(route.id(), this::meters));
    }

    private Route meters(String id) {
        AtomicInteger inFlight = new AtomicInteger();
        Gauge.builder("gatehouse_route_in_flight", inFlight, AtomicInteger::get)
            .description("Requests of a route with request-limits.max-in-flight being served on this instance").tag("route", id)
            .register(registry);
        return new Route(inFlight, Counter.builder("gatehouse_route_overloaded_total")
            .description("Requests refused 503 because their route served request-limits.max-in-flight already").tag("route", id)
            .register(registry));
    }

    /** A route's count of requests in flight, and of those refused. */
    private record Route(AtomicInteger inFlight, Counter refused) {
    }

    private record Step(String route, int max, Route counts) implements PolicyStep {

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            if (counts.inFlight().incrementAndGet() > max) {
                counts.inFlight().decrementAndGet();
                counts.refused().increment();
                throw new GatewayException(ErrorCode.OVERLOADED, "Route '" + route + "' is serving as many requests as it may at once ("
                    + max + "); retry shortly.", Map.of("reason", "max_in_flight", "route", route, "limit", max),
                    Map.of("Retry-After", Integer.toString(LocalResources.RETRY_AFTER_SECONDS)));
            }
            exchange.attribute(HELD, counts);
            return PolicyResult.PROCEED_STAGE;
        }

        @Override
        public void completed(PolicyExchange exchange, boolean requestRan) {
            // Only an exchange admitted here gives a place back, and only once.
            if (exchange.attribute(HELD) == counts) {
                exchange.attribute(HELD, Boolean.FALSE);
                counts.inFlight().decrementAndGet();
            }
        }
    }
}
