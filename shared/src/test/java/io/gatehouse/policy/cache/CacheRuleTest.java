package io.gatehouse.policy.cache;

import io.gatehouse.testing.TestDefinitions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A route's {@code cache} section is validated when the definition loads: every mistake refuses it
 * with the field path and what is wrong, nothing is ignored.
 */
class CacheRuleTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "only a ttl     | cache: { ttl: 60s }",
        "every key      | cache: { ttl: 5m, vary: [Accept, X-Tenant], methods: [GET], max-entry-size: 65536, store: memory }",
        "GET and HEAD   | cache: { ttl: 1h, methods: [get, head], store: redis }",
        "on a GET route | match: { path: \"/y/**\", methods: [GET] }\\ncache: { ttl: 60s }"})
    void validSection_thenLoads(String name, String yaml) {
        assertEquals(List.of(), TestDefinitions.routeProblems(yaml));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not a map                 | cache: true                                      | routes[0].cache                | must be a map",
        "an unknown key            | cache: { ttl: 60s, size: 10 }                    | routes[0].cache.size           | unknown field (expected one of ttl, vary, methods, max-entry-size, store)",
        "no ttl                    | cache: { vary: [Accept] }                        | routes[0].cache.ttl            | is required",
        "a zero ttl                | cache: { ttl: 0s }                               | routes[0].cache.ttl            | must be more than 0",
        "a ttl that is no duration | cache: { ttl: fortnight }                        | routes[0].cache.ttl            | must be a duration",
        "POST among the methods    | cache: { ttl: 60s, methods: [GET, POST] }        | routes[0].cache.methods[1]     | 'POST' is not cached",
        "HEAD alone                | cache: { ttl: 60s, methods: [HEAD] }             | routes[0].cache.methods        | names HEAD alone",
        "no method                 | cache: { ttl: 60s, methods: [] }                 | routes[0].cache.methods        | must name GET, HEAD or both",
        "an unknown store          | cache: { ttl: 60s, store: disk }                 | routes[0].cache.store          | must be one of memory, redis",
        "a zero entry size         | cache: { ttl: 60s, max-entry-size: 0 }           | routes[0].cache.max-entry-size | must be between 1 and 67108864",
        "a vary that is no header  | cache: { ttl: 60s, vary: [\"Accept Language\"] } | routes[0].cache.vary[0]        | 'Accept Language' is not a header name",
        "a repeated vary           | cache: { ttl: 60s, vary: [Accept, accept] }      | routes[0].cache.vary[1]        | repeats 'accept'",
        "a streaming route         | streaming: true\\ncache: { ttl: 60s }            | routes[0].cache                | cannot apply to a streaming or WebSocket route",
        "a WebSocket route         | websocket: true\\ncache: { ttl: 60s }            | routes[0].cache                | cannot apply to a streaming or WebSocket route",
        "a POST-only route         | match: { path: \"/y/**\", methods: [POST] }\\ncache: { ttl: 60s }   | routes[0].cache | does nothing here",
        "a DELETE route            | match: { path: \"/y/**\", methods: [DELETE] }\\ncache: { ttl: 60s } | routes[0].cache | does nothing here"})
    void mistake_thenRefusedNamingTheField(String name, String yaml, String path, String message) {
        TestDefinitions.assertOnlyProblem(TestDefinitions.routeProblems(yaml), path, message);
    }
}
