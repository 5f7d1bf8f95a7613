package io.gatehouse.definition;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
