package io.gatehouse.contract;

import io.micronaut.json.JsonMapper;
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

    private static final JsonMapper JSON = JsonMapper.createDefault();

    /** The {@code spec.name} under which the contract fixtures (echo endpoints) are active. */
    public static final String SPEC = "contract";

    /**
     * A session id shaped as the gateway's that no session has: what a refusal about another
     * tenant's session is compared with ({@link #assertRefusedAsForNone}).
     */
    public static final String NO_SESSION = "s_01JF3Z8W5M3B7C9D1E2F4G6H8J";

    /** An event id shaped as the gateway's that no event has, for the same comparisons. */
    public static final String NO_EVENT = "e_01JF3Z8W6Q2V7R9K4M5N8P0T1A";

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
     * Asserts that two refusals are the same refusal: the same status, and envelopes alike but for
     * their request ids and timestamps. {@code ids} maps each id the first request named to the id
     * in its place in the second, so that, asked about a session of another tenant and about one
     * that does not exist, a caller is told nothing that tells the two apart.
     *
     * @param refused   the answer about what the caller may not see
     * @param reference the answer about what does not exist
     * @param status    the status both have
     * @param code      the error code both have
     * @param ids       each id of the first request, and the id that stands in its place in the second
     * @return the first refusal's {@code error} object
     */
    protected static JsonNode assertRefusedAsForNone(ContractResponse refused, ContractResponse reference, int status, String code,
                                                     Map<String, String> ids) {
        return assertSameError(assertEnvelope(refused, status, code), assertEnvelope(reference, status, code), ids);
    }

    /**
     * Asserts that two error objects ({@code {"code","message","details",...}}, as in the error
     * envelope and a WebSocket's error frame) have the same code, message and details once
     * {@code ids} are swapped: {@link #assertRefusedAsForNone} for answers that are not HTTP responses.
     *
     * @param refused   the error about what the caller may not see
     * @param reference the error about what does not exist
     * @param ids       each id of the first request, and the id that stands in its place in the second
     * @return {@code refused}
     */
    public static JsonNode assertSameError(JsonNode refused, JsonNode reference, Map<String, String> ids) {
        String text = comparable(refused);
        for (Map.Entry<String, String> id : ids.entrySet()) {
            text = text.replace(id.getKey(), id.getValue());
        }
        assertEquals(comparable(reference), text, "nothing but the ids tells the two answers apart");
        return refused;
    }

    /** An error's code, message and details as JSON: what a caller reads of it, but for its request id and time. */
    private static String comparable(JsonNode error) {
        try {
            return JSON.writeValueAsString(JsonNode.createObjectNode(new java.util.TreeMap<>(Map.of("code", error.get("code"), "message", error.get("message"),
                "details", error.get("details")))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param answer  what a caller was answered (a body, frames, a stream)
     * @param secrets what it must not contain: another tenant's session and event ids, its messages
     */
    public static void assertTellsNothingOf(String answer, Iterable<String> secrets) {
        for (String secret : secrets) {
            assertFalse(answer.contains(secret), "'" + secret + "' appears in " + answer);
        }
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
