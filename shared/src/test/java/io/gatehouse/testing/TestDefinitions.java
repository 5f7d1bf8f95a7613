package io.gatehouse.testing;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.definition.GatewayDefinition;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Validates route files as the gateway does when it loads them ({@link GatewayDefinition#of}), for
 * load-time validation tests that read the problems a definition is refused with.
 */
public final class TestDefinitions {

    private TestDefinitions() {
    }

    /**
     * @param yaml a route file
     * @return its definition
     * @throws DefinitionException naming every problem
     */
    public static GatewayDefinition parse(String yaml) {
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        return GatewayDefinition.of(List.of(new GatewayDefinition.Source("test.yml", tree)));
    }

    /**
     * @param route one route's YAML lines below {@code routes:}, indented by two spaces (the
     *              upstream {@code svc} exists)
     * @return the problems it is refused with, empty when it loads
     */
    public static List<DefinitionProblem> problems(String route) {
        try {
            parse("upstreams:\n  svc:\n    targets: [\"http://127.0.0.1:1\"]\nroutes:\n" + route);
            return List.of();
        } catch (DefinitionException refused) {
            return refused.problems();
        }
    }

    /**
     * @param lines the route's keys besides {@code id: r} and {@code upstream: svc}, one per line,
     *              lines separated by a literal {@code \n} (as a table-driven case writes them); a
     *              {@code match} of {@code /x/**} is added unless they have one
     * @return the problems the route is refused with, empty when it loads
     */
    public static List<DefinitionProblem> routeProblems(String lines) {
        String route = "  - id: r\n    upstream: svc\n" + (lines.contains("match:") ? "" : "    match: { path: \"/x/**\" }\n");
        return problems(route + "    " + lines.replace("\\n", "\n    ") + "\n");
    }

    /**
     * Asserts that a definition was refused for exactly one problem.
     *
     * @param problems what it was refused with
     * @param path     the field path the problem names
     * @param message  how its message starts
     */
    public static void assertOnlyProblem(List<DefinitionProblem> problems, String path, String message) {
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(path, problems.getFirst().path());
        assertTrue(problems.getFirst().message().startsWith(message), problems.getFirst().message());
    }
}
