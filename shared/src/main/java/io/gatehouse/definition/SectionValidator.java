package io.gatehouse.definition;

import io.gatehouse.config.ConfigNode;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Validates the entries of a top-level section of the definition that a feature outside this
 * package interprets ({@code consumers}, {@code plans}), when the definition is loaded: a bad
 * consumer refuses the whole definition, with its file and field path, before anything is
 * swapped in. Features register an implementation in
 * {@code META-INF/services/io.gatehouse.definition.SectionValidator}, as route policies do with
 * {@link io.gatehouse.route.PolicyValidator}; {@link GatewayDefinition#of(List)} calls every one,
 * so the gateway, the admin API and {@code bin/gatehouse validate} apply the same checks.
 */
public interface SectionValidator {

    /**
     * @return the top-level key whose entries this validator checks, such as {@code consumers}
     */
    String section();

    /**
     * Checks one entry of the section, recording problems on the node.
     *
     * @param name the entry's name (its key in the section)
     * @param node the entry
     */
    void validate(String name, ConfigNode node);

    /**
     * Runs every registered validator of a section on one entry.
     *
     * @param section the top-level key
     * @param name    the entry's name
     * @param node    the entry
     */
    static void validateAll(String section, String name, ConfigNode node) {
        for (SectionValidator validator : Registered.ALL) {
            if (validator.section().equals(section)) {
                validator.validate(name, node);
            }
        }
    }

    /** The validators found once, on first use. */
    final class Registered {
        static final List<SectionValidator> ALL = ServiceLoader.load(SectionValidator.class, SectionValidator.class.getClassLoader())
            .stream().map(ServiceLoader.Provider::get).toList();

        private Registered() {
        }
    }
}
