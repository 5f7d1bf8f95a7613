package io.gatehouse.infra;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every flag is checked by name: an unknown flag, a value of the wrong shape, or a flag whose
 * feature is off is refused, and the message names the flag. One case a row, each on top of a
 * context that is valid without it.
 */
class FlagsTest {

    static Stream<Arguments> refused() {
        return Stream.of(
            row("an unknown flag", Map.of("gatehouse:memorySize", "2048"), "unknown context flag gatehouse:memorySize"),
            row("an architecture that is not one", Map.of("gatehouse:architecture", "arm"), "gatehouse:architecture"),
            row("a stack that does not exist", Map.of("gatehouse:stacks", "lambda,contianer"), "gatehouse:stacks: 'contianer'"),
            row("a fraction where a whole number goes", Map.of("gatehouse:memory", "1.5"), "gatehouse:memory must be a whole number"),
            row("a word where a number goes", Map.of("gatehouse:desiredCount", "two"), "gatehouse:desiredCount must be a whole number"),
            row("a boolean that is not one", Map.of("gatehouse:restApi", "yes"), "gatehouse:restApi must be true or false"),
            row("a list where one value goes", Map.of("gatehouse:image", List.of("a", "b")), "gatehouse:image takes one value"),
            row("an empty entry in a list", Map.of("gatehouse:stacks", "lambda,,container"), "gatehouse:stacks has an empty entry"),
            row("a store that cannot be created", Map.of("gatehouse:createData", "mysql"), "gatehouse:createData: 'mysql'"),
            row("a store both created and referenced",
                Map.of("gatehouse:createData", "postgres", "gatehouse:databaseUrl", "jdbc:postgresql://db:5432/g"), "gatehouse:databaseUrl"),
            row("a store created twice", Map.of("gatehouse:createData", "redis,redis"), "gatehouse:createData names 'redis' twice"),
            row("a size for a store not created", Map.of("gatehouse:redisNodeType", "cache.r7g.large"),
                "gatehouse:redisNodeType has no effect"),
            row("a node type of another service",
                Map.of("gatehouse:createData", "redis", "gatehouse:redisNodeType", "t4g.small"), "gatehouse:redisNodeType"),
            row("a database capacity out of range",
                Map.of("gatehouse:createData", "postgres", "gatehouse:databaseMaxCapacity", "0"), "gatehouse:databaseMaxCapacity"),
            row("Kafka on Lambda without a database",
                Map.of("gatehouse:stacks", "lambda", "gatehouse:kafkaBootstrap", "b-1:9092"), "gatehouse:kafkaBootstrap"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refused(String description, Map<String, Object> flags, String message) throws Exception {
        App app = app(flags);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> GatehouseCdkApp.build(app));
        assertTrue(refused.getMessage().contains(message), refused.getMessage());
    }

    @Test
    void valuesAsCdkJsonTypesThem_areAccepted() throws Exception {
        Map<String, Object> flags = new HashMap<>();
        flags.put("gatehouse:stacks", List.of("container"));
        flags.put("gatehouse:createData", List.of("postgres", "redis"));
        flags.put("gatehouse:desiredCount", 3.0);
        flags.put("gatehouse:maxCount", 12);
        App app = app(flags);
        GatehouseCdkApp.build(app);
        assertNotNull(app.getNode().tryFindChild(GatehouseCdkApp.CONTAINER));
        assertNotNull(app.getNode().tryFindChild(GatehouseCdkApp.DATA));
    }

    private static App app(Map<String, Object> flags) throws Exception {
        Map<String, Object> context = Synth.context();
        context.putAll(flags);
        context.values().removeIf(value -> "".equals(value));
        return new App(AppProps.builder().context(context).build());
    }

    private static Arguments row(String description, Map<String, Object> flags, String message) {
        return Arguments.of(description, flags, message);
    }
}
