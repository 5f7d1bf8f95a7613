package io.gatehouse.policy.size;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.policy.RouteDefinitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A route's {@code request-limits} key: sizes as written, and what is refused when the route loads,
 * naming the field.
 */
class RequestLimitsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, 0",
        "65536, 65536",
        "512KiB, 524288",
        "512 kib, 524288",
        "1MiB, 1048576",
        "1MB, 1048576",
        "10mb, 10485760",
        "2GiB, 2147483648",
        "100b, 100"})
    void size_thenReadInBytes(String written, long bytes) {
        List<DefinitionProblem> problems = new ArrayList<>();
        RequestLimits limits = RequestLimits.parse(ConfigNode.root("test", Map.of("max-body", written), problems));
        assertEquals(List.of(), problems);
        assertEquals(bytes, limits.maxBody());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{ max-body: 1 megabyte }   | routes[0].request-limits.max-body: must be a size such as 65536, 512KiB or 1MiB",
        "{ max-body: -1 }           | routes[0].request-limits.max-body: must be a size",
        "{ max-body: 2TiB }         | routes[0].request-limits.max-body: must be a size",
        "{ max-body: 2048GiB }      | routes[0].request-limits.max-body: must be between 0 and 1099511627776 bytes",
        "{ max-bodies: 1MiB }       | routes[0].request-limits.max-bodies: unknown field",
        "{ }                        | routes[0].request-limits: sets no limit: give max-body",
        "{ max-in-flight: 0 }       | routes[0].request-limits.max-in-flight: must be between 1 and 1000000, not 0",
        "{ max-in-flight: many }    | routes[0].request-limits.max-in-flight: must be a whole number, not 'many'",
        "{ max-in-flight: 2000000 } | routes[0].request-limits.max-in-flight: must be between 1 and 1000000",
        "{ max-inflight: 10 }       | routes[0].request-limits.max-inflight: unknown field",
        "1MiB                       | routes[0].request-limits: must be a map such as { max-body: 1MiB, max-in-flight: 200 }"})
    void invalidLimits_thenTheRouteIsRefusedNamingTheField(String limits, String expected) {
        RouteDefinitions.assertRefused("request-limits: " + limits, expected);
    }

    @Test
    void validLimits_thenTheRouteLoads() {
        assertEquals(1, RouteDefinitions.load("request-limits: { max-body: 256KiB }").routes().size());
        assertEquals(1, RouteDefinitions.load("request-limits: { max-in-flight: 200 }").routes().size());
        assertEquals(1, RouteDefinitions.load("request-limits: { max-body: 1MiB, max-in-flight: 1 }").routes().size());
    }

    @Test
    void maxInFlight_thenReadAlone_bodyUnset() {
        List<DefinitionProblem> problems = new ArrayList<>();
        RequestLimits limits = RequestLimits.parse(ConfigNode.root("test", Map.of("max-in-flight", 64), problems));
        assertEquals(List.of(), problems);
        assertEquals(64, limits.maxInFlight());
        assertEquals(RequestLimits.UNSET, limits.maxBody());
    }
}
