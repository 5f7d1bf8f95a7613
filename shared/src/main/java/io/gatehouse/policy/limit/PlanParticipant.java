package io.gatehouse.policy.limit;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.definition.DefinitionParticipant;
import io.gatehouse.definition.GatewayDefinition;
import io.micronaut.core.annotation.Internal;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles the plans and {@code plans-by} of each new definition as part of the snapshot it is
 * swapped in with: a plan changed in the file or through {@code /admin/plans} applies together
 * with the route table, or not at all.
 */
@Internal
@Singleton
final class PlanParticipant implements DefinitionParticipant<PlanTable> {

    private final RateLimitConfiguration configuration;

    PlanParticipant(RateLimitConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public PlanTable prepare(GatewayDefinition definition) {
        if (definition.plans().isEmpty()) {
            return PlanTable.NONE;
        }
        List<DefinitionProblem> problems = new ArrayList<>();
        Map<String, PlanTable.CompiledPlan> plans = new LinkedHashMap<>();
        ConfigNode.root("plans", definition.plans(), problems).entries().forEach((name, node) -> {
            LimitDefinitions.Plan plan = LimitDefinitions.plan(name, node);
            OnStoreFailure failure = plan.onStoreFailure() == null ? configuration.getOnStoreFailure() : plan.onStoreFailure();
            List<CompiledLimit> limits = new ArrayList<>();
            for (LimitRule rule : plan.rules()) {
                limits.add(CompiledLimit.of(rule, configuration.getRedisPrefix() + ":p:" + name + ":" + rule.shape() + ":", name,
                    failure));
            }
            plans.put(name, new PlanTable.CompiledPlan(name, List.copyOf(limits), plan.onStoreFailure()));
        });
        LimitDefinitions.PlansBy by = LimitDefinitions.plansBy(ConfigNode.root("plans-by",
            definition.plansBy().isEmpty() ? null : definition.plansBy(), problems));
        if (!problems.isEmpty()) {
            throw new DefinitionException(problems);
        }
        return new PlanTable(Map.copyOf(plans), by);
    }
}
