package io.gatehouse.upstream;

import io.gatehouse.definition.GatewayState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The per-target gauges follow selections, ejections and reloads.
 */
class UpstreamMetricsTest {

    private static final String A = "http://127.0.0.1:1";
    private static final String B = "http://127.0.0.1:2";

    @Test
    void selectionsAndReloads_thenGaugesFollow(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("gatehouse.yml");
        Files.writeString(file, yaml(A));
        try (ApplicationContext ctx = ApplicationContext.run(Map.of("gateway.config-file", file.toString(),
            "gateway.health-checks.enabled", false))) {
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            GatewayState state = ctx.getBean(GatewayState.class);
            Upstream svc = state.current().upstreams().get("svc");

            Selection held = svc.select(null, null);
            assertEquals(1.0, gauge(registry, UpstreamMetrics.OUTSTANDING, A).value());
            assertEquals(1.0, gauge(registry, UpstreamMetrics.HEALTHY, A).value());
            held.failed(FailureKind.CONNECT); // consecutive-failures: 1 ejects
            assertEquals(0.0, gauge(registry, UpstreamMetrics.OUTSTANDING, A).value());
            assertEquals(0.0, gauge(registry, UpstreamMetrics.HEALTHY, A).value());

            Files.writeString(file, yaml(B));
            state.reload();
            assertNull(registry.find(UpstreamMetrics.OUTSTANDING).tag("target", A).gauge(), "the removed target's gauge is gone");
            assertEquals(1.0, gauge(registry, UpstreamMetrics.HEALTHY, B).value());
        }
    }

    private static Gauge gauge(MeterRegistry registry, String name, String target) {
        Gauge gauge = registry.find(name).tags("upstream", "svc", "target", target).gauge();
        assertNotNull(gauge, name + " for " + target);
        return gauge;
    }

    private static String yaml(String url) {
        return """
            upstreams:
              svc:
                targets: [%s]
                outlier-detection:
                  consecutive-failures: 1
                  ejection-time: 1h
            """.formatted(url);
    }
}
