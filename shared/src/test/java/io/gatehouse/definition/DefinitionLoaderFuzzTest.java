package io.gatehouse.definition;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatehouse.config.DefinitionException;
import io.gatehouse.route.RouteTable;
import io.micronaut.context.env.DefaultEnvironment;
import io.micronaut.context.env.Environment;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Fuzzes the declarative file as the loader reads it: YAML or JSON parsed by SnakeYAML,
 * placeholders resolved, then validated by {@link GatewayDefinition#of} and compiled into a
 * {@link RouteTable}. The only refusal allowed is a {@link DefinitionException} naming its
 * problems; any other exception is a finding. Seeds (every shipped and documented shape):
 * {@code src/test/resources/io/gatehouse/definition/DefinitionLoaderFuzzTestInputs/}.
 */
class DefinitionLoaderFuzzTest {

    private static final DefinitionLoader LOADER = new DefinitionLoader(environment(), List.of());

    private static Environment environment() {
        DefaultEnvironment environment = new DefaultEnvironment(() -> List.of("fuzz"));
        environment.start();
        return environment;
    }

    @FuzzTest(maxDuration = "20s", maxExecutions = 15000)
    void load_refusesOnlyWithDefinitionException(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        GatewayDefinition definition;
        try {
            definition = GatewayDefinition.of(List.of(LOADER.read("fuzz.yml", new StringReader(text))));
        } catch (DefinitionException refused) {
            assertFalse(refused.problems().isEmpty(), "a refusal names its problems");
            return;
        }
        new RouteTable(1, definition.routes(), definition.upstreams());
    }
}
