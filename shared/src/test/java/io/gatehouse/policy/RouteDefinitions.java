package io.gatehouse.policy;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.definition.GatewayDefinition;
import org.yaml.snakeyaml.Yaml;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loads one route with a policy key, as the declarative file would, for the policies' load-time
 * validation tests.
 */
public final class RouteDefinitions {

    private RouteDefinitions() {
    }

    /**
     * @param policy the route's policy lines, indented as keys of the route
     * @return the definition, when it loads
     */
    public static GatewayDefinition load(String policy) {
        String yaml = """
            upstreams:
              svc: { targets: ["http://127.0.0.1:9"] }
            routes:
              - id: r
                match: { path: "/p/**", methods: [GET, POST] }
                upstream: svc
            %s
            """.formatted(policy.indent(4));
        return GatewayDefinition.of(List.of(new GatewayDefinition.Source("routes.yml", new Yaml().load(yaml))));
    }

    /**
     * Asserts that the route does not load and that the problems name each expected text.
     *
     * @param policy   the route's policy lines
     * @param expected texts the problems must contain, such as {@code routes[0].cors.origins[0]: ...}
     */
    public static void assertRefused(String policy, String... expected) {
        DefinitionException e = assertThrows(DefinitionException.class, () -> load(policy));
        for (String text : expected) {
            assertTrue(e.getMessage().contains(text), "missing \"" + text + "\" in:\n" + e.getMessage());
        }
    }
}
