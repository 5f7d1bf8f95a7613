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

    private static final Map<String, Object> GLOBAL = Map.of(
        "gatehouse:regions", "eu-west-1,us-east-1",
        "gatehouse:hostedZoneId", "Z0123456789ABCDEFGHIJ",
        "gatehouse:hostedZoneName", "example.com",
        "gatehouse:globalDomain", "api.example.com");

    static Stream<Arguments> refused() {
        return Stream.of(
            row("an unknown flag", Map.of("gatehouse:memorySize", "2048"), "unknown context flag gatehouse:memorySize"),
            row("an architecture that is not one", Map.of("gatehouse:architecture", "arm"), "gatehouse:architecture"),
            row("a stack that does not exist", Map.of("gatehouse:stacks", "lambda,contianer"), "gatehouse:stacks: 'contianer'"),
            row("a fraction where a whole number goes", Map.of("gatehouse:memory", "1.5"), "gatehouse:memory must be a whole number"),
            row("a word where a number goes", Map.of("gatehouse:desiredCount", "two"), "gatehouse:desiredCount must be a whole number"),
            row("a malformed flag of a stack left out",
                Map.of("gatehouse:stacks", "container", "gatehouse:memory", "lots"), "gatehouse:memory must be a whole number"),
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
                Map.of("gatehouse:stacks", "lambda", "gatehouse:kafkaBootstrap", "b-1:9092"), "gatehouse:kafkaBootstrap"),
            row("one region", with(GLOBAL, Map.of("gatehouse:regions", "eu-west-1")), "gatehouse:regions must name at least two"),
            row("a region that is not one", with(GLOBAL, Map.of("gatehouse:regions", "eu-west-1,europe")), "gatehouse:regions: 'europe'"),
            row("a region twice", with(GLOBAL, Map.of("gatehouse:regions", "eu-west-1,eu-west-1")), "gatehouse:regions names 'eu-west-1' twice"),
            row("the Lambda stack in several regions", with(GLOBAL, Map.of("gatehouse:stacks", "lambda,container")), "gatehouse:stacks"),
            row("no hosted zone", with(GLOBAL, Map.of("gatehouse:hostedZoneId", "")), "gatehouse:hostedZoneId"),
            row("a domain outside the zone", with(GLOBAL, Map.of("gatehouse:globalDomain", "api.example.org")), "gatehouse:globalDomain"),
            row("a path that is not a pattern", with(GLOBAL, Map.of("gatehouse:cacheablePaths", "catalog/*")), "gatehouse:cacheablePaths"),
            row("a path that caches everything", with(GLOBAL, Map.of("gatehouse:cacheablePaths", "/*")), "gatehouse:cacheablePaths: '/*'"),
            row("a path over the gateway's own endpoints", with(GLOBAL, Map.of("gatehouse:cacheablePaths", "/catalog/*,/v1/public/*")),
                "gatehouse:cacheablePaths: '/v1/public/*' reaches the gateway's own /v1/"),
            row("Authorization in the cache key", with(GLOBAL, Map.of("gatehouse:cacheKeyHeaders", "Origin,authorization")),
                "gatehouse:cacheKeyHeaders: 'authorization' carries credentials"),
            row("the default API key header in the cache key", with(GLOBAL, Map.of("gatehouse:cacheKeyHeaders", "X-API-Key")),
                "gatehouse:cacheKeyHeaders: 'X-API-Key' carries credentials"),
            row("a configured API key header in the cache key",
                with(GLOBAL, Map.of("gatehouse:apiKeyHeader", "X-Partner-Key", "gatehouse:cacheKeyHeaders", "x-partner-key")),
                "gatehouse:cacheKeyHeaders: 'x-partner-key' carries credentials"),
            row("Host named again", with(GLOBAL, Map.of("gatehouse:cacheKeyHeaders", "Host")), "gatehouse:cacheKeyHeaders: 'Host' is named twice"),
            row("cacheable paths without regions", Map.of("gatehouse:cacheablePaths", "/catalog/*"), "gatehouse:cacheablePaths has no effect"));
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
        Map<String, Object> flags = new HashMap<>(GLOBAL);
        flags.put("gatehouse:regions", List.of("eu-west-1", "ap-southeast-2"));
        flags.put("gatehouse:cacheablePaths", List.of("/catalog/*"));
        flags.put("gatehouse:desiredCount", 3.0);
        flags.put("gatehouse:maxCount", 12);
        App app = app(flags);
        GatehouseCdkApp.build(app);
        assertNotNull(app.getNode().tryFindChild(GatehouseCdkApp.CONTAINER + "-ap-southeast-2"));
        assertNotNull(app.getNode().tryFindChild(GatehouseCdkApp.EDGE));
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

    private static Map<String, Object> with(Map<String, Object> base, Map<String, Object> changes) {
        Map<String, Object> merged = new HashMap<>(base);
        merged.putAll(changes);
        return merged;
    }
}
