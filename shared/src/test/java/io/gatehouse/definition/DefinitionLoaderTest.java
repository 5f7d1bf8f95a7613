package io.gatehouse.definition;

import io.gatehouse.config.DefinitionException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.DefaultEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.StringReader;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefinitionLoaderTest {

    @Test
    void applicationConfiguration_thenRoutesAndUpstreamsRead() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(
            "gateway.upstreams.catalog.targets", List.of("http://127.0.0.1:1"),
            "gateway.upstreams.catalog.health-check.path", "/healthz",
            "gateway.upstreams.billing.targets[0].url", "http://127.0.0.1:2",
            "gateway.upstreams.billing.targets[0].weight", 3,
            "gateway.routes[0].id", "r1",
            "gateway.routes[0].match.path", "/api/**",
            "gateway.routes[0].strip-prefix", true,
            "gateway.routes[0].upstream", "catalog"))) {
            GatewayDefinition definition = ctx.getBean(DefinitionLoader.class).load();
            System.out.println(definition);
            assertEquals(2, definition.upstreams().size());
            assertEquals(1, definition.routes().size());
            assertEquals("/healthz", definition.upstreams().get("catalog").healthCheck().path());
            assertEquals(3, definition.upstreams().get("billing").targets().getFirst().weight());
            assertEquals(true, definition.routes().getFirst().rewrite().stripPrefix());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "an alias to its own list | a: &a [1, *a]\\nroutes: *a\\n | a YAML alias refers to a map or list that contains it",
        "an alias to its own map  | a: &a {b: *a}\\n               | a YAML alias refers to a map or list that contains it",
        "a NUL character          | routes: a\u0000b              | not valid YAML: special characters are not allowed",
        "nesting past 50 levels   | DEEP                           | not valid YAML: Nesting Depth exceeded"})
    void yamlTheParserCannotTake_thenDefinitionExceptionNotACrash(String name, String yaml, String message) {
        String text = yaml.equals("DEEP") ? "routes: " + "[".repeat(60) + "]".repeat(60) : yaml.replace("\\n", "\n");
        DefinitionLoader loader = new DefinitionLoader(new DefaultEnvironment(() -> List.of("test")).start(), List.of());
        DefinitionException refused = assertThrows(DefinitionException.class, () -> loader.read("test.yml", new StringReader(text)));
        assertTrue(refused.problems().getFirst().message().startsWith(message), refused.getMessage());
    }
}
