package io.gatehouse.observability.dashboard;

import io.gatehouse.observability.GatewayMetrics;
import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.route.CompiledRoute;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Feeds the dashboard's recent errors from every chain: an exchange that completes with a 5xx is
 * remembered with its time, route, method, path (without the query, which may carry secrets),
 * status and request id. Other exchanges cost one comparison.
 */
@Singleton
@Internal
@Requires(beans = DashboardHistory.class)
final class DashboardPolicy implements Policy {

    private final DashboardHistory history;

    DashboardPolicy(DashboardHistory history) {
        this.history = history;
    }

    @Override
    public Phase phase() {
        return Phase.PREFLIGHT;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 3;
    }

    @Override
    public PolicyStep compile(@Nullable CompiledRoute route) {
        String id = route == null ? null : route.id();
        return new PolicyStep() {
            @Override
            public void completed(PolicyExchange exchange, boolean requestRan) {
                if (exchange.status() < 500) {
                    return;
                }
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("time", Instant.ofEpochMilli(exchange.startMillis()).toString());
                error.put("route", id != null ? id : exchange.endpoint() != null ? GatewayMetrics.GATEWAY_ROUTE : GatewayMetrics.UNMATCHED);
                error.put("method", exchange.request().method());
                error.put("path", exchange.request().path());
                error.put("status", exchange.status());
                error.put("request_id", exchange.requestId());
                history.error(error);
            }
        };
    }
}
