package io.gatehouse.observability.tracing;

import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyChains;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tracing is off in the embedded default and on once an exporter is named, unless switched off:
 * a chain without it pays nothing.
 */
class TracingPolicyTest {

    static Stream<Arguments> settings() {
        return Stream.of(
            Arguments.of("embedded default", Map.of(), false),
            Arguments.of("an exporter named", Map.of("otel.traces.exporter", "otlp"), true),
            Arguments.of("exporter named, tracing switched off",
                Map.of("otel.traces.exporter", "otlp", "gateway.tracing.enabled", false), false),
            Arguments.of("exporter none", Map.of("otel.traces.exporter", "none"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void settings_thenTracingInEveryChainOrInNone(String name, Map<String, Object> properties, boolean traced) {
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            assertEquals(traced, context.containsBean(TracingPolicy.class));
            boolean inChain = context.getBean(PolicyChains.class).policies().stream().map(Policy::getClass)
                .anyMatch(TracingPolicy.class::equals);
            assertEquals(traced, inChain);
        }
    }
}
