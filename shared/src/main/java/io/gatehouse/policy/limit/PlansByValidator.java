package io.gatehouse.policy.limit;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.definition.SectionValidator;

/**
 * Validates the definition's {@code plans-by} (how JWT, OIDC and session callers find their plan)
 * when the definition is loaded, registered in {@code META-INF/services}. That the plans it names
 * exist is checked with the whole definition.
 */
public final class PlansByValidator implements SectionValidator {

    /**
     * Creates the validator; {@link java.util.ServiceLoader} calls it.
     */
    public PlansByValidator() {
    }

    @Override
    public String section() {
        return "plans-by";
    }

    @Override
    public void validate(String name, ConfigNode node) {
        LimitDefinitions.plansBy(node);
    }
}
