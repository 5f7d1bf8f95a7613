package io.gatehouse.policy.limit;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gatehouse.definition.GatewayState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How much of its plan an API-key consumer has used, read from the buckets requests take from
 * (Redis or memory) without taking anything: what {@code GET /admin/consumers/{name}/usage} shows.
 */
@Singleton
public final class RateLimitUsage {

    /**
     * One limit of the plan.
     *
     * @param requests  its requests per window
     * @param per       its window
     * @param burst     its bucket's capacity
     * @param remaining requests the consumer may make now
     * @param reset     seconds until the bucket is full again
     */
    @Serdeable
    public record LimitUsage(int requests, String per, int burst, long remaining, long reset) {
    }

    /**
     * A consumer's usage.
     *
     * @param consumer the consumer
     * @param plan     its plan, or {@code null} when it has none
     * @param store    {@code redis} or {@code memory} (this instance's count only)
     * @param limits   each limit of the plan, empty without one
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ConsumerUsage(String consumer, @Nullable String plan, String store, List<LimitUsage> limits) {
    }

    private final LimitStore store;
    private final GatewayState state;
    private final RateLimitConfiguration configuration;

    RateLimitUsage(LimitStore store, GatewayState state, RateLimitConfiguration configuration) {
        this.store = store;
        this.state = state;
        this.configuration = configuration;
    }

    /**
     * Blocking, at most the store timeout per limit.
     *
     * @param consumer an API-key consumer's name
     * @param plan     its plan, or {@code null}
     * @return its usage
     * @throws IllegalStateException when the store does not answer
     */
    public ConsumerUsage consumer(String consumer, @Nullable String plan) {
        String kind = store.redisTarget() == null || store.failing() ? "memory" : "redis";
        PlanTable plans = state.current().part(PlanParticipant.class);
        PlanTable.CompiledPlan compiled = plan == null || plans == null ? null : plans.plan(plan);
        if (compiled == null) {
            return new ConsumerUsage(consumer, plan, kind, List.of());
        }
        List<LimitUsage> out = new ArrayList<>();
        for (CompiledLimit limit : compiled.limits()) {
            LimitRule rule = limit.rule();
            long remaining;
            try {
                remaining = store.available(limit.keyPrefix() + "api-key:" + consumer, limit.bucket())
                    .get(configuration.getStoreTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("the rate-limit store does not answer", e);
            }
            long missing = Math.max(0, rule.burst() - remaining);
            long resetNanos = missing == 0 ? 0 : (long) Math.ceil((double) missing * rule.window().duration().toNanos() / rule.requests());
            out.add(new LimitUsage(rule.requests(), rule.window().key(), rule.burst(), remaining, (resetNanos + 999_999_999L) / 1_000_000_000L));
        }
        return new ConsumerUsage(consumer, plan, kind, List.copyOf(out));
    }
}
