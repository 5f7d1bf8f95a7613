package io.gatehouse.contract;

import io.gatehouse.testing.TestSchema;
import io.gatehouse.testing.TestServices;
import org.junit.jupiter.api.AfterAll;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Health when the gateway runs distributed over the real PostgreSQL, Redis and Kafka of the test
 * run: each is a check, each ok.
 */
public abstract class DistributedHealthContractTest extends ContractTestBase {

    /** A schema of its own, so what other suites left in the shared database cannot fail this one. */
    private final TestSchema schema = TestSchema.create("health");

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.putAll(schema.properties());
        properties.put("redis.uri", TestServices.redisUri());
        properties.put("kafka.bootstrap.servers", TestServices.kafkaBootstrap());
        return properties;
    }

    @AfterAll
    void dropSchema() {
        schema.close();
    }

    @Test
    void realDependencies_thenEachCheckedAndOk() throws InterruptedException {
        // A client connects lazily on the first check, so a broker still electing itself may need
        // a moment; the report must become ok, and stay so, well within the deadline.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        ContractResponse response = send(ContractRequest.get("/v1/health"));
        while (response.status() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            response = send(ContractRequest.get("/v1/health"));
        }
        assertEquals(200, response.status(), response.text());
        JsonNode body = response.json();
        assertEquals("ok", body.get("status").getStringValue(), response.text());
        assertEquals("distributed", body.get("mode").getStringValue());
        JsonNode checks = body.get("checks");
        assertEquals("PostgreSQL", checks.get("database").get("details").get("product").getStringValue());
        assertFalse(checks.get("database").get("details").get("embedded").getBooleanValue());
        for (String name : new String[] {"database", "redis", "kafka"}) {
            assertEquals("ok", checks.get(name).get("status").getStringValue(), name + ": " + response.text());
        }
        assertEquals(1, checks.get("kafka").get("details").get("brokers").getIntValue());
    }
}
