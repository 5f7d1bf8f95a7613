package io.gatehouse.policy.limit;

import io.gatehouse.security.ClaimPath;
import io.gatehouse.security.GatewayPrincipal;
import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Map;

/**
 * The plans of one definition, compiled, and how a caller finds its own: an API-key consumer's
 * {@code plan}, else {@code plans-by}: the plan its {@code claim} names, the plan of the first
 * listed group the caller is in, the {@code default}.
 *
 * @param plans   the plans by name
 * @param plansBy the mapping for callers without a consumer plan
 */
record PlanTable(Map<String, CompiledPlan> plans, LimitDefinitions.PlansBy plansBy) {

    /** No plans. */
    static final PlanTable NONE = new PlanTable(Map.of(), LimitDefinitions.PlansBy.NONE);

    /**
     * A plan, with its buckets' configurations and key prefixes computed once.
     *
     * @param name           its name
     * @param limits         its limits
     * @param onStoreFailure its {@code on-store-failure}, or {@code null}
     */
    record CompiledPlan(String name, List<CompiledLimit> limits, @Nullable OnStoreFailure onStoreFailure) {
    }

    /**
     * @param principal the caller
     * @return its plan, or {@code null} when it has none
     */
    @Nullable
    CompiledPlan planOf(GatewayPrincipal principal) {
        if (plans.isEmpty()) {
            return null;
        }
        if (!principal.anonymous()) {
            if ("api-key".equals(principal.method()) && principal.claims().get("plan") instanceof String own) {
                CompiledPlan plan = plans.get(own);
                if (plan != null) {
                    return plan;
                }
            }
            if (plansBy.claim() != null) {
                Object value = ClaimPath.resolve(principal.claims(), plansBy.claim());
                if (value instanceof List<?> list && !list.isEmpty()) {
                    value = list.getFirst();
                }
                CompiledPlan plan = value == null ? null : plans.get(String.valueOf(value));
                if (plan != null) {
                    return plan;
                }
            }
            if (!plansBy.groups().isEmpty()) {
                var groups = principal.groups();
                for (Map.Entry<String, String> entry : plansBy.groups().entrySet()) {
                    if (groups.contains(entry.getKey())) {
                        CompiledPlan plan = plans.get(entry.getValue());
                        if (plan != null) {
                            return plan;
                        }
                    }
                }
            }
        }
        return plansBy.defaultPlan() == null ? null : plans.get(plansBy.defaultPlan());
    }

    /**
     * @param name a plan's name
     * @return it, or {@code null}
     */
    @Nullable
    CompiledPlan plan(String name) {
        return plans.get(name);
    }
}
