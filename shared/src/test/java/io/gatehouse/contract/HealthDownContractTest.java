package io.gatehouse.contract;

import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Health when a critical dependency, the database, cannot be reached: 503 and {@code down}, while
 * the process keeps answering everything else.
 */
public abstract class HealthDownContractTest extends ContractTestBase {

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:" + TestUpstream.closedPort() + "/test");
        properties.put("datasources.default.username", "postgres");
        properties.put("datasources.default.connection-timeout", 500);
        properties.put("gateway.health.timeout", "1500ms");
        return properties;
    }

    @Test
    void criticalDependencyDown_then503Down() {
        ContractResponse response = send(ContractRequest.get("/v1/health"));
        assertEquals(503, response.status(), response.text());
        JsonNode body = response.json();
        assertEquals("down", body.get("status").getStringValue());
        assertEquals("distributed", body.get("mode").getStringValue());
        assertEquals("down", body.get("checks").get("database").get("status").getStringValue());
        assertEquals(200, send(ContractRequest.get("/ping")).status());
    }
}
