package io.gatehouse.policy.limit;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.definition.SectionValidator;

/**
 * Validates every plan of the definition ({@code plans.<name>}: its {@code limits} and
 * {@code on-store-failure}) when the definition is loaded, registered in {@code META-INF/services}:
 * a bad plan refuses the whole definition at start-up, on reload and on an admin write.
 */
public final class PlanValidator implements SectionValidator {

    /**
     * Creates the validator; {@link java.util.ServiceLoader} calls it.
     */
    public PlanValidator() {
    }

    @Override
    public String section() {
        return "plans";
    }

    @Override
    public void validate(String name, ConfigNode node) {
        LimitDefinitions.plan(name, node);
    }
}
