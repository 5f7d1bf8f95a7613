package io.gatehouse.contract;

import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The base of every contract suite: one gateway per test class, started on the runtime the
 * concrete class names, with the suite's properties.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ContractTestBase {

    /** The {@code spec.name} under which the contract fixtures (echo endpoints) are active. */
    public static final String SPEC = "contract";

    /** The gateway under test. */
    protected GatewayTransport gateway;

    /**
     * @return the runtime to run this suite against
     */
    protected abstract GatewayRuntime runtime();

    /**
     * The suite's configuration; suites add to it.
     *
     * @return the properties for the gateway under test
     */
    protected Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spec.name", SPEC);
        return properties;
    }

    @BeforeAll
    void startGateway() {
        gateway = runtime().start(properties());
    }

    @AfterAll
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /**
     * @param request the request
     * @return the gateway's response
     */
    protected ContractResponse send(ContractRequest request) {
        return gateway.send(request);
    }

    /**
     * Asserts that a response is the gateway's error envelope
     * {@code {"error":{"code","message","details","request_id","timestamp"}}} with this status and code,
     * and that its {@code request_id} is the response's {@code X-Request-ID}.
     *
     * @param response the response
     * @param status   the expected status
     * @param code     the expected error code
     * @return the {@code error} object, for further assertions on its details
     */
    protected static JsonNode assertEnvelope(ContractResponse response, int status, String code) {
        assertEquals(status, response.status(), response.text());
        assertEquals("application/json", response.mediaType());
        JsonNode error = response.json().get("error");
        assertNotNull(error, response.text());
        assertEquals(code, error.get("code").getStringValue());
        assertFalse(error.get("message").getStringValue().isBlank(), response.text());
        assertTrue(error.get("details").isObject(), response.text());
        assertEquals(response.header("X-Request-ID").orElseThrow(), error.get("request_id").getStringValue());
        assertNotNull(Instant.parse(error.get("timestamp").getStringValue()));
        return error;
    }

    /**
     * @param yaml a declarative file's content
     * @return a temporary file holding it, for {@code gateway.config-file}, deleted when the JVM exits
     */
    protected static Path definitionFile(String yaml) {
        try {
            Path file = Files.createTempFile("gatehouse-contract", ".yml");
            Files.writeString(file, yaml);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
