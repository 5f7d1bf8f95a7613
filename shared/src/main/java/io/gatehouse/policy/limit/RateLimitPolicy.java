package io.gatehouse.policy.limit;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.definition.GatewayState;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.Secrets;
import io.gatehouse.observability.GatewayMetrics;
import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.policy.ResponseHead;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.security.GatewayPrincipal;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * Rate limits and plans as a member of the policy chain ({@link Phase#LIMITS}, after access, so a
 * plan and a {@code by: consumer} key know the caller). A route's {@code limits} is compiled once
 * into its buckets' configurations and key prefixes; a request takes one token from each bucket
 * that applies (its route's own limits, and its plan's), in Redis or in memory
 * ({@link LimitStore}), without blocking: when Redis answers later, the step returns a pending
 * stage and the engine resumes on it.
 *
 * <p>Every response of a limited route carries {@code RateLimit-Limit}, {@code RateLimit-Remaining}
 * and {@code RateLimit-Reset} of the limit closest to exhaustion (the longer window on a tie), and
 * Kong's {@code X-RateLimit-Limit-<Window>} and {@code X-RateLimit-Remaining-<Window>} for each
 * window. A request over a limit is refused 429 {@code rate_limited} with {@code Retry-After} and
 * details naming the limit. A WebSocket upgrade passes the chain like any request and counts once.
 */
@Singleton
final class RateLimitPolicy implements Policy {

    /** The exchange attribute holding a request's {@link Decision}. */
    static final String ATTRIBUTE = "gatehouse.rate-limit";

    /** Counter: requests refused over a limit. */
    static final String LIMITED = "gatehouse.rate_limit.limited";

    /** The longest header or claim value used in a key as it is. */
    private static final int MAX_KEY_VALUE = 128;

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitPolicy.class);

    private final RateLimitConfiguration configuration;
    private final LimitStore store;
    private final GatewayState state;
    private final @Nullable Counter limited;
    private final GatewayMetrics metrics;

    RateLimitPolicy(RateLimitConfiguration configuration, LimitStore store, GatewayState state, @Nullable MeterRegistry meters,
                    GatewayMetrics metrics) {
        this.metrics = metrics;
        this.configuration = configuration;
        this.store = store;
        this.state = state;
        this.limited = meters == null ? null
            : Counter.builder(LIMITED).description("Requests refused 429 over a rate limit").register(meters);
    }

    @Override
    public Phase phase() {
        return Phase.LIMITS;
    }

    @Override
    public int getOrder() {
        return 0;
    }

    @Override
    public @Nullable PolicyStep compile(@Nullable CompiledRoute route) {
        if (route == null || !configuration.isEnabled()) {
            return null;
        }
        Object raw = route.definition().policies().get("limits");
        if (raw == null) {
            return null;
        }
        List<DefinitionProblem> problems = new ArrayList<>();
        LimitDefinitions.RouteLimits limits = LimitDefinitions.route(ConfigNode.root("route " + route.id(), raw, problems));
        if (!problems.isEmpty()) {
            // Validated at load; a definition that reached the table has none.
            LOG.error("Route {}: its limits are not valid and are not applied: {}", route.id(), problems);
            return null;
        }
        if (limits.isEmpty()) {
            return null;
        }
        String prefix = configuration.getRedisPrefix() + ":r:" + route.id() + ":";
        List<CompiledLimit> own = new ArrayList<>();
        for (LimitRule rule : limits.rules()) {
            own.add(CompiledLimit.of(rule, prefix + rule.byText() + ":" + rule.shape() + ":", null,
                rule.onStoreFailure() == null ? configuration.getOnStoreFailure() : rule.onStoreFailure()));
        }
        PlanTable plans = state.current().part(PlanParticipant.class);
        PlanTable.CompiledPlan fixed = null;
        if (limits.planName() != null) {
            fixed = plans == null ? null : plans.plan(limits.planName());
            if (fixed == null) {
                LOG.error("Route {}: plan '{}' is not defined; its limits are not applied", route.id(), limits.planName());
            }
        }
        store.warmUp();
        return new Step(own.toArray(CompiledLimit[]::new), limits.plan() && limits.planName() == null,
            fixed, plans == null ? PlanTable.NONE : plans, limits.planFailure(), metrics.rateLimit(route.id()));
    }

    /** One route's limits. */
    private final class Step implements PolicyStep {

        private final CompiledLimit[] own;
        private final boolean callersPlan;
        private final @Nullable PlanTable.CompiledPlan fixedPlan;
        private final PlanTable plans;
        private final @Nullable OnStoreFailure planFailure;
        private final GatewayMetrics.RateLimitMeters decisions;

        Step(CompiledLimit[] own, boolean callersPlan, @Nullable PlanTable.CompiledPlan fixedPlan, PlanTable plans,
             @Nullable OnStoreFailure planFailure, GatewayMetrics.RateLimitMeters decisions) {
            this.decisions = decisions;
            this.own = own;
            this.callersPlan = callersPlan;
            this.fixedPlan = fixedPlan;
            this.plans = plans;
            this.planFailure = planFailure;
        }

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            GatewayPrincipal principal = exchange.principal();
            PlanTable.CompiledPlan plan = fixedPlan != null ? fixedPlan : callersPlan ? plans.planOf(principal) : null;
            int planned = plan == null ? 0 : plan.limits().size();
            int count = own.length + planned;
            if (count == 0) {
                return PolicyResult.PROCEED_STAGE;
            }
            CompiledLimit[] limits = new CompiledLimit[count];
            @SuppressWarnings("unchecked")
            CompletableFuture<ConsumptionProbe>[] outcomes = new CompletableFuture[count];
            boolean done = true;
            String caller = null;
            for (int i = 0; i < count; i++) {
                CompiledLimit limit;
                String value;
                OnStoreFailure onFailure;
                if (i < own.length) {
                    limit = own[i];
                    value = value(limit.rule(), exchange, principal);
                    onFailure = limit.onFailure();
                } else {
                    limit = plan.limits().get(i - own.length);
                    value = caller == null ? caller = callerKey(exchange, principal) : caller;
                    onFailure = planFailure == null ? limit.onFailure() : planFailure;
                }
                limits[i] = limit;
                outcomes[i] = store.consume(value == null ? limit.keyPrefix() : limit.keyPrefix() + value, limit.bucket(), onFailure);
                done &= outcomes[i].isDone();
            }
            if (done) {
                return decide(exchange, limits, outcomes, decisions);
            }
            return CompletableFuture.allOf(outcomes).handle((ignored, error) -> null)
                .thenCompose(ignored -> decide(exchange, limits, outcomes, decisions));
        }

        @Override
        public void response(PolicyExchange exchange, ResponseHead response) {
            if (exchange.attribute(ATTRIBUTE) instanceof Decision decision) {
                decision.headers(response);
            }
        }
    }

    private CompletionStage<PolicyResult> decide(PolicyExchange exchange, CompiledLimit[] limits,
                                                 CompletableFuture<ConsumptionProbe>[] outcomes,
                                                 GatewayMetrics.RateLimitMeters decisions) {
        ConsumptionProbe[] probes = new ConsumptionProbe[outcomes.length];
        for (int i = 0; i < outcomes.length; i++) {
            try {
                probes[i] = outcomes[i].join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof StoreUnavailableException unavailable) {
                    long seconds = Math.max(1, (configuration.getRetryInterval().toMillis() + 999) / 1000);
                    return CompletableFuture.failedFuture(new GatewayException(ErrorCode.SERVICE_UNAVAILABLE,
                        "Rate limits cannot be counted now; try again shortly.",
                        Map.of("reason", "rate_limit_store_unavailable", "cause", unavailable.getMessage()),
                        Map.of("Retry-After", Long.toString(seconds))));
                }
                return CompletableFuture.failedFuture(e.getCause() == null ? e : e.getCause());
            }
        }
        Decision decision = new Decision(limits, probes);
        exchange.attribute(ATTRIBUTE, decision);
        int refused = decision.refused();
        if (refused < 0) {
            decisions.allow();
            return PolicyResult.PROCEED_STAGE;
        }
        decisions.deny();
        if (limited != null) {
            limited.increment();
        }
        return CompletableFuture.failedFuture(refusal(decision, refused));
    }

    private static GatewayException refusal(Decision decision, int refused) {
        CompiledLimit limit = decision.limits[refused];
        LimitRule rule = limit.rule();
        long retryAfter = decision.retryAfterSeconds();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("limit", rule.requests());
        details.put("window", rule.window().key());
        details.put("burst", rule.burst());
        if (limit.plan() != null) {
            details.put("plan", limit.plan());
        } else {
            details.put("by", rule.byText());
        }
        details.put("retry_after", retryAfter);
        Map<String, String> headers = new LinkedHashMap<>();
        decision.headers(headers::put);
        headers.put("Retry-After", Long.toString(retryAfter));
        String what = limit.plan() != null ? "the plan '" + limit.plan() + "' allows " : "this route allows ";
        return new GatewayException(ErrorCode.RATE_LIMITED, "Rate limit exceeded: " + what + rule.requests() + " requests per "
            + rule.window().key() + (limit.plan() != null ? "." : " by " + rule.byText() + ".") + " Retry after " + retryAfter + " s.",
            details, headers);
    }

    /** The counted value of a route's own limit; {@code null} for a limit on the whole route. */
    private static @Nullable String value(LimitRule rule, PolicyExchange exchange, GatewayPrincipal principal) {
        return switch (rule.by()) {
            case ROUTE -> null;
            case IP -> exchange.clientIp();
            case CONSUMER -> callerKey(exchange, principal);
            case CREDENTIAL -> principal.claims().get("key_id") instanceof String keyId && "api-key".equals(principal.method())
                ? "key:" + keyId : callerKey(exchange, principal);
            case TENANT -> principal.tenant() == null ? "ip:" + exchange.clientIp() : "tenant:" + principal.tenant();
            case HEADER -> {
                String header = exchange.request().header(rule.byName());
                yield header == null || header.isEmpty() ? "ip:" + exchange.clientIp() : "h:" + bounded(header);
            }
            case CLAIM -> {
                Object claim = principal.claim(rule.byName());
                yield claim == null ? "ip:" + exchange.clientIp() : "c:" + bounded(String.valueOf(claim));
            }
        };
    }

    /** A client-chosen value as part of a key: as it is when short, else its SHA-256, so no client makes keys of any size. */
    private static String bounded(String value) {
        return value.length() <= MAX_KEY_VALUE ? value : "sha256:" + Secrets.sha256(value);
    }

    /** Who the caller is, for {@code by: consumer} and plans: its method and subject, or its address when anonymous. */
    static String callerKey(PolicyExchange exchange, GatewayPrincipal principal) {
        return principal.anonymous() || principal.subject() == null ? "ip:" + exchange.clientIp()
            : principal.method() + ":" + principal.subject();
    }

    /**
     * What one request's limits decided: each limit's outcome, and the headers they make.
     */
    static final class Decision {

        private final CompiledLimit[] limits;
        private final ConsumptionProbe[] probes;

        Decision(CompiledLimit[] limits, ConsumptionProbe[] probes) {
            this.limits = limits;
            this.probes = probes;
        }

        /**
         * @return the index of the refusing limit that frees up last, or -1 when every limit admitted the request
         */
        int refused() {
            int refused = -1;
            for (int i = 0; i < probes.length; i++) {
                if (!probes[i].isConsumed()
                    && (refused < 0 || probes[i].getNanosToWaitForRefill() > probes[refused].getNanosToWaitForRefill())) {
                    refused = i;
                }
            }
            return refused;
        }

        /**
         * @return when the request could succeed again, in whole seconds, at least 1
         */
        long retryAfterSeconds() {
            long nanos = 0;
            for (ConsumptionProbe probe : probes) {
                if (!probe.isConsumed()) {
                    nanos = Math.max(nanos, probe.getNanosToWaitForRefill());
                }
            }
            return Math.max(1, seconds(nanos));
        }

        void headers(ResponseHead response) {
            headers(response::set);
        }

        /**
         * Writes the headers: per window the limit closest to exhaustion, and overall the one
         * closest to exhaustion, the longer window on a tie.
         */
        void headers(BiConsumer<String, String> out) {
            Window[] windows = Window.values();
            long[] remaining = new long[windows.length];
            int[] chosen = new int[windows.length];
            Arrays.fill(chosen, -1);
            int best = -1;
            long bestRemaining = Long.MAX_VALUE;
            for (int i = 0; i < probes.length; i++) {
                long left = probes[i].isConsumed() ? probes[i].getRemainingTokens() : 0;
                int w = limits[i].rule().window().ordinal();
                if (chosen[w] < 0 || left < remaining[w]) {
                    chosen[w] = i;
                    remaining[w] = left;
                }
                if (best < 0 || left < bestRemaining || left == bestRemaining && w > limits[best].rule().window().ordinal()) {
                    best = i;
                    bestRemaining = left;
                }
            }
            for (int w = 0; w < windows.length; w++) {
                if (chosen[w] >= 0) {
                    out.accept(windows[w].limitHeader(), Integer.toString(limits[chosen[w]].rule().requests()));
                    out.accept(windows[w].remainingHeader(), Long.toString(remaining[w]));
                }
            }
            out.accept("RateLimit-Limit", Integer.toString(limits[best].rule().requests()));
            out.accept("RateLimit-Remaining", Long.toString(bestRemaining));
            out.accept("RateLimit-Reset", Long.toString(seconds(probes[best].isConsumed()
                ? probes[best].getNanosToWaitForReset() : probes[best].getNanosToWaitForRefill())));
        }

        private static long seconds(long nanos) {
            return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
        }
    }
}
