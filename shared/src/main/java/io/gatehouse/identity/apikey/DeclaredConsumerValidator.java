package io.gatehouse.identity.apikey;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.definition.SectionValidator;

/**
 * Validates every consumer of the definition ({@code consumers.<name>}: groups, keys, tenant) when
 * the definition is loaded, registered in {@code META-INF/services}: a bad consumer refuses the
 * whole definition at start-up, on reload and on an admin write, with its file and field path.
 */
public final class DeclaredConsumerValidator implements SectionValidator {

    /**
     * Creates the validator; {@link java.util.ServiceLoader} calls it.
     */
    public DeclaredConsumerValidator() {
    }

    @Override
    public String section() {
        return "consumers";
    }

    @Override
    public void validate(String name, ConfigNode node) {
        DeclaredConsumers.parse(name, node);
    }
}
