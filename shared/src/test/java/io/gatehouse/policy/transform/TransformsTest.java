package io.gatehouse.policy.transform;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.definition.GatewayDefinition;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.testing.TestRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route's {@code transforms} at load (what is refused, with the field path) and the query edits
 * on raw queries.
 */
class TransformsTest {

    @Test
    void everyEdit_thenAccepted() {
        GatewayDefinition definition = load("""
            transforms:
              request:
                headers:
                  remove: [X-Debug]
                  rename: { X-Old: X-New }
                  set: { X-User: "{claim.sub}", X-Order: "o-{path.id}", X-Ref: "{request_id}", X-Ip: "{client_ip}" }
                  add: { X-Tag: [a, b], X-One: single }
                query:
                  remove: [debug]
                  rename: { q: query }
                  set: { version: 2 }
                  add: { tenant: "{claim.org.name}" }
              response:
                headers: { remove: [Server], set: { Cache-Control: no-store } }
            """);
        Transforms transforms = Transforms.of(definition.routes().getFirst());
        assertEquals(List.of("X-Debug"), transforms.requestHeaders().remove());
        assertEquals(List.of("X-User", "X-Order", "X-Ref", "X-Ip"), List.copyOf(transforms.requestHeaders().set().keySet()),
            "applied in the configured order");
        assertEquals(3, transforms.requestHeaders().add().size());
        assertTrue(transforms.editsRequests());
        assertFalse(transforms.responseHeaders().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "an unknown section    | { request: { body: {} } }                            | transforms.request.body: unknown field (expected one of headers, query, path)",
        "an unknown edit       | { request: { headers: { append: { a: b } } } }       | transforms.request.headers.append: unknown field (expected one of remove, rename, set, add)",
        "a path transform      | { request: { path: /v2 } }                           | transforms.request.path: is not a transform: the path the upstream receives is the route's rewrite key",
        "nothing               | {}                                                   | transforms: names nothing to transform",
        "X-Request-ID          | { request: { headers: { set: { X-Request-ID: x } } } } | transforms.request.headers.set.X-Request-ID: 'X-Request-ID' is the gateway's own",
        "X-Forwarded-For       | { request: { headers: { add: { x-forwarded-for: 1.2.3.4 } } } } | transforms.request.headers.add.x-forwarded-for: 'x-forwarded-for' is the gateway's own",
        "Forwarded renamed to  | { request: { headers: { rename: { X-Client: Forwarded } } } } | transforms.request.headers.rename.X-Client: 'Forwarded' is the gateway's own",
        "Host                  | { request: { headers: { remove: [Host] } } }         | transforms.request.headers.remove[0]: 'Host' is the gateway's own",
        "Connection            | { request: { headers: { set: { Connection: close } } } } | transforms.request.headers.set.Connection: 'Connection' is a hop-by-hop header",
        "Transfer-Encoding out | { response: { headers: { set: { Transfer-Encoding: chunked } } } } | transforms.response.headers.set.Transfer-Encoding: 'Transfer-Encoding' is a hop-by-hop header",
        "response request id   | { response: { headers: { remove: [X-Request-ID] } } } | transforms.response.headers.remove[0]: 'X-Request-ID' is the gateway's own",
        "a forwarded claim     | { request: { headers: { rename: { X-Forged: X-User-Id } } } } | transforms.request.headers.rename.X-Forged: 'X-User-Id' carries a verified claim",
        "a bad header name     | { request: { headers: { set: { 'X User': a } } } }   | transforms.request.headers.set.X User: 'X User' is not a valid header name",
        "an unknown source     | { request: { headers: { set: { X-A: '{header.x}' } } } } | transforms.request.headers.set.X-A: uses {header.x}; a placeholder is",
        "a bare path variable  | { request: { headers: { set: { X-A: '{id}' } } } }   | transforms.request.headers.set.X-A: uses {id}; a placeholder is {path.<variable>}, {claim.<name>}, {request_id} or {client_ip} (write {path.id}",
        "an unknown variable   | { request: { query: { add: { a: '{path.nope}' } } } } | transforms.request.query.add.a: uses {path.nope} but match.path has no variable 'nope' (it has: id)",
        "an empty value        | { response: { headers: { set: { X-A: '' } } } }      | transforms.response.headers.set.X-A: must not be empty",
        "a rename to itself    | { request: { query: { rename: { a: a } } } }         | transforms.request.query.rename.a: renames 'a' to itself"})
    void invalidTransforms_thenRefusedNamingTheField(String name, String transforms, String problem) {
        DefinitionException refused = assertThrows(DefinitionException.class, () -> load("transforms: " + transforms + "\n"));
        List<String> problems = refused.problems().stream().map(p -> p.path() + ": " + p.message()).toList();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("routes[0]." + problem)), name + ": " + problems);
    }

    @Test
    void controlCharacterInAValue_thenRefused() {
        Map<String, Object> route = Map.of("transforms", Map.of("response", Map.of("headers", Map.of("set", Map.of("X-A", "a\r\nX-B: b")))));
        List<DefinitionProblem> problems = new ArrayList<>();
        Transforms.parse(ConfigNode.root("test", route, problems), null);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().message().contains("control character"), problems.toString());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "debug=1&q=shoes&keep=a%20b | query=shoes&keep=a%20b&version=2&tag=x%20y&tag=o-42",
        "q=1&query=old              | query=1&version=2&tag=x%20y&tag=o-42",
        "version=1&version=3        | version=2&tag=x%20y&tag=o-42",
        "d%65bug=1&a                | a&version=2&tag=x%20y&tag=o-42",
        "                           | version=2&tag=x%20y&tag=o-42"})
    void queryEdits_thenUnnamedParametersKeepTheirBytes(String query, String expected) {
        Map<String, Object> edits = Map.of("remove", List.of("debug"), "rename", Map.of("q", "query"), "set", Map.of("version", "2"),
            "add", Map.of("tag", List.of("x y", "o-{path.id}")));
        List<DefinitionProblem> problems = new ArrayList<>();
        Edits parsed = Edits.parse(ConfigNode.root("test", edits, problems), null, n -> null);
        assertEquals(List.of(), problems);
        assertEquals(expected, QueryEditor.apply(query, parsed, exchange()));
    }

    @Test
    void queryWhoseEveryParameterIsRemoved_thenNoQuery() {
        List<DefinitionProblem> problems = new ArrayList<>();
        Edits parsed = Edits.parse(ConfigNode.root("test", Map.of("remove", List.of("debug")), problems), null, n -> null);
        assertNull(QueryEditor.apply("debug=1&debug=2", parsed, exchange()));
    }

    private static PolicyExchange exchange() {
        GatewayDefinition definition = load("transforms: { request: { query: { set: { a: b } } } }\n");
        var table = new io.gatehouse.route.RouteTable(1, definition.routes(), definition.upstreams());
        var match = table.match(TestRequest.get("/orders/42/items"));
        return new PolicyExchange(match, TestRequest.get("/orders/42/items"), "req-1", "127.0.0.1", false, false);
    }

    private static GatewayDefinition load(String policy) {
        String yaml = """
            upstreams: { svc: { targets: ["http://127.0.0.1:9"] } }
            routes:
              - id: a
                match: { path: "/orders/{id}/**" }
                upstream: svc
                claims: { forward: { sub: X-User-Id } }
            """ + policy.indent(4);
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        return GatewayDefinition.of(List.of(new GatewayDefinition.Source("test.yml", tree)));
    }
}
