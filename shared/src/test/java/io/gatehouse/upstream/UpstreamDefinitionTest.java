package io.gatehouse.upstream;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.definition.GatewayDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resilience settings as read from the declarative file: defaults, and durations that could
 * not work refused with their field path.
 */
class UpstreamDefinitionTest {

    private static UpstreamDefinition parse(Map<String, Object> upstream) {
        GatewayDefinition d = GatewayDefinition.of(List.of(new GatewayDefinition.Source("test.yml",
            Map.of("upstreams", Map.of("svc", upstream)))));
        return d.upstreams().get("svc");
    }

    @Test
    void onlyTargets_thenDocumentedDefaults() {
        UpstreamDefinition d = parse(Map.of("targets", List.of("http://127.0.0.1:1")));
        assertEquals(UpstreamDefinition.LoadBalancer.ROUND_ROBIN, d.loadBalancer());
        assertFalse(d.healthCheck().enabled(), "no health-check block, no probes");
        assertEquals(new UpstreamDefinition.HealthCheck(false, "/", Duration.ofSeconds(10), Duration.ofSeconds(2), 2, 3), d.healthCheck());
        assertEquals(new UpstreamDefinition.OutlierDetection(5, Duration.ofSeconds(30)), d.outlierDetection());
        assertEquals(new UpstreamDefinition.CircuitBreaker(true, 50, 20, 100, Duration.ofSeconds(30), 5), d.circuitBreaker());
    }

    @Test
    void healthCheckBlock_thenEnabled() {
        UpstreamDefinition d = parse(Map.of("targets", List.of("http://127.0.0.1:1"), "health-check", Map.of("path", "healthz")));
        assertTrue(d.healthCheck().enabled());
        assertEquals("/healthz", d.healthCheck().path());
    }

    @Test
    void docsExample_thenValid() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(dir.resolve("docs/upstreams.md"))) {
            dir = dir.getParent();
        }
        String doc = Files.readString(dir.resolve("docs/upstreams.md"));
        int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
        String yaml = doc.substring(start, doc.indexOf("```", start));
        GatewayDefinition d = GatewayDefinition.of(List.of(new GatewayDefinition.Source("docs/upstreams.md", new Yaml().load(yaml))));
        UpstreamDefinition catalog = d.upstreams().get("catalog");
        assertEquals(UpstreamDefinition.LoadBalancer.WEIGHTED, catalog.loadBalancer());
        assertEquals(List.of(3, 1), catalog.targets().stream().map(UpstreamDefinition.Target::weight).toList());
        assertEquals(new UpstreamDefinition.HealthCheck(true, "/healthz", Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3),
            catalog.healthCheck());
        assertEquals(new UpstreamDefinition.OutlierDetection(5, Duration.ofSeconds(30)), catalog.outlierDetection());
        assertEquals(new UpstreamDefinition.CircuitBreaker(true, 50, 20, 100, Duration.ofSeconds(30), 5), catalog.circuitBreaker());
        assertEquals("header:x-user-id", d.upstreams().get("sessions").hashOn());
        assertEquals(UpstreamDefinition.LoadBalancer.CONSISTENT_HASH, d.upstreams().get("sessions").loadBalancer());
        assertFalse(d.upstreams().get("billing").circuitBreaker().enabled());
    }

    @ParameterizedTest(name = "{0}.{1}: {2}")
    @CsvSource({
        "health-check, interval, 0s",
        "health-check, timeout, 0ms",
        "circuit-breaker, wait-in-open, 0s"})
    void zeroDuration_thenRefusedWithFieldPath(String block, String field, String value) {
        DefinitionException e = assertThrows(DefinitionException.class,
            () -> parse(Map.of("targets", List.of("http://127.0.0.1:1"), block, Map.of(field, value))));
        assertTrue(e.getMessage().contains(block + "." + field) && e.getMessage().contains("positive duration"), e.getMessage());
    }
}
