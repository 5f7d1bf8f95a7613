package io.gatehouse.policy.limit;

import io.gatehouse.observability.health.CheckResult;
import io.gatehouse.observability.health.DependencyCheck;
import io.gatehouse.observability.health.DependencyChecks;
import io.gatehouse.observability.health.HealthStatus;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code rate-limit-store} health check, present while limits are kept in Redis and a route
 * has limits: failing (and
 * so {@code degraded}, never {@code down}: limits go on with their {@code on-store-failure}) while
 * Redis does not answer a {@code PING} or the request path counts it as failing. A check that
 * reaches Redis ends a failure, as a request would.
 */
@Singleton
final class RateLimitStoreCheck implements DependencyChecks {

    private final LimitStore store;
    private final RateLimitConfiguration configuration;

    RateLimitStoreCheck(LimitStore store, RateLimitConfiguration configuration) {
        this.store = store;
        this.configuration = configuration;
    }

    @Override
    public List<DependencyCheck> checks() {
        return store.inUse() ? List.of(new Check()) : List.of();
    }

    private final class Check implements DependencyCheck {

        @Override
        public String name() {
            return "rate-limit-store";
        }

        @Override
        public boolean critical() {
            return false;
        }

        @Override
        public CheckResult check(Duration timeout) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("store", "redis");
            details.put("target", store.redisTarget());
            details.put("on_store_failure", configuration.getOnStoreFailure().key());
            if (!store.ping(timeout) || store.failing()) {
                return new CheckResult(HealthStatus.DOWN, 0, false, "Redis fails (" + store.lastError()
                    + "); limits apply their on-store-failure", details);
            }
            return CheckResult.ok(details);
        }
    }
}
