package io.gatehouse.contract;

import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Health with configured upstreams, one reachable and one not, and a configured API version.
 */
public abstract class HealthContractTest extends ContractTestBase {

    private final TestUpstream catalog = TestUpstream.start().handle("/healthz", exchange -> {
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    });

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.api-version", "v7");
        properties.put("gateway.service-name", "edge-gateway");
        properties.put("gateway.environment", "staging");
        properties.put("gateway.upstreams.catalog.targets", List.of(catalog.url()));
        properties.put("gateway.upstreams.catalog.health-path", "/healthz");
        properties.put("gateway.upstreams.billing.targets", List.of("http://127.0.0.1:" + TestUpstream.closedPort()));
        return properties;
    }

    @AfterAll
    void stopUpstream() {
        catalog.close();
    }

    @Test
    void optionalUpstreamDown_thenDegradedButServing() {
        ContractResponse response = send(ContractRequest.get("/v1/health"));
        assertEquals(200, response.status(), response.text());
        JsonNode body = response.json();
        assertEquals("degraded", body.get("status").getStringValue());
        assertEquals("edge-gateway", body.get("service").getStringValue());
        assertEquals("staging", body.get("environment").getStringValue());
        JsonNode checks = body.get("checks");
        assertEquals("ok", checks.get("upstream:catalog").get("status").getStringValue());
        assertEquals("down", checks.get("upstream:billing").get("status").getStringValue());
        assertTrue(!checks.get("upstream:billing").get("error").getStringValue().isBlank());
        assertEquals("ok", checks.get("database").get("status").getStringValue());
        assertTrue(catalog.requests() > 0, "the catalog's health path was requested");
    }

    @Test
    void probes_thenOkWithoutCallingADependency() {
        int before = catalog.requests();
        for (String probe : List.of("/v1/health/ready", "/v1/health/live")) {
            ContractResponse response = send(ContractRequest.get(probe));
            assertEquals(200, response.status(), probe + ": " + response.text());
            assertEquals("ok", response.json().get("status").getStringValue(), probe);
        }
        assertEquals(before, catalog.requests(), "the probes call no upstream");
    }

    @Test
    void configuredApiVersion_thenAnnouncedOnSuccessAndError() {
        assertEquals("v7", send(ContractRequest.get("/ping")).header("X-API-Version").orElse(null));
        assertEquals("v7", send(ContractRequest.get("/nowhere")).header("X-API-Version").orElse(null));
    }
}
