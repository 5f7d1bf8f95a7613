package io.gatehouse.policy.idempotency;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.testing.TestDefinitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A route's {@code idempotency} section is validated when the definition loads: every mistake
 * refuses it with the field path and what is wrong, nothing is ignored. Also how a key is read.
 */
class IdempotencyRuleTest {

    private static final String ROUTE = "  - id: r\n    upstream: svc\n";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty           | idempotency: {}",
        "every key       | idempotency: { ttl: 24h, required: true, store: redis }",
        "on a POST route | match: { path: \"/y/**\", methods: [POST] }\\nidempotency: { ttl: 1h, store: memory }"})
    void validSection_thenLoads(String name, String yaml) {
        assertEquals(List.of(), TestDefinitions.routeProblems(yaml));
    }

    @Test
    void emptySection_thenADayOptionalAndTheGatewaysStore() {
        var definition = TestDefinitions.parse("upstreams:\n  svc:\n    targets: [\"http://127.0.0.1:1\"]\nroutes:\n"
            + ROUTE + "    match: { path: \"/x/**\" }\n    idempotency: {}\n");
        IdempotencyRule rule = IdempotencyRule.parse(ConfigNode.root("test", definition.routes().getFirst().policies(),
            new ArrayList<>()), null);
        assertEquals(Duration.ofHours(24), rule.ttl());
        assertFalse(rule.required());
        assertNull(rule.store());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not a map                 | idempotency: yes                   | routes[0].idempotency          | must be a map",
        "an unknown key            | idempotency: { methods: [POST] }   | routes[0].idempotency.methods  | unknown field (expected one of ttl, required, store)",
        "a zero ttl                | idempotency: { ttl: 0s }           | routes[0].idempotency.ttl      | must be more than 0",
        "a ttl that is no duration | idempotency: { ttl: soon }         | routes[0].idempotency.ttl      | must be a duration",
        "required not a boolean    | idempotency: { required: maybe }   | routes[0].idempotency.required | must be true or false",
        "an unknown store          | idempotency: { store: disk }       | routes[0].idempotency.store    | must be one of memory, redis",
        "a streaming route         | streaming: true\\nidempotency: {}  | routes[0].idempotency          | cannot apply to a streaming or WebSocket route",
        "a WebSocket route         | websocket: true\\nidempotency: {}  | routes[0].idempotency          | cannot apply to a streaming or WebSocket route",
        "a GET and PUT route       | match: { path: \"/y/**\", methods: [GET, PUT] }\\nidempotency: {} | routes[0].idempotency | does nothing here"})
    void mistake_thenRefusedNamingTheField(String name, String yaml, String path, String message) {
        TestDefinitions.assertOnlyProblem(TestDefinitions.routeProblems(yaml), path, message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "a UUID                     | 8e03978e-40d5-43e8-bc93-6894a57f9324 | 8e03978e-40d5-43e8-bc93-6894a57f9324",
        "a structured-field string  | \"abc def, ghi\"                     | abc def, ghi",
        "surrounding spaces         | '  k1  '                             | k1",
        "empty quotes               | \"\"                                 |",
        "two keys joined by a comma | 'k1, k2'                             |",
        "a quote inside             | a\"b                                 |",
        "a backslash inside         | a\\b                                 |",
        "a non-ASCII character      | clé                                  |"})
    void keyValue_thenReadAsTheDraftSays(String name, String value, String key) {
        assertEquals(key, IdempotencyKeys.parse(value));
    }

    @Test
    void keyOfTheLongestLength_thenAcceptedAndOneMoreRefused() {
        assertEquals("k".repeat(255), IdempotencyKeys.parse("k".repeat(255)));
        assertNull(IdempotencyKeys.parse("k".repeat(256)));
    }
}
