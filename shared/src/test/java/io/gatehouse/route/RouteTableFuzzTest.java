package io.gatehouse.route;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatehouse.definition.GatewayDefinition;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Fuzzes {@link RouteTable#match} and the upstream path of the match over a table that uses every
 * matcher (exact, prefix and template paths, a wildcard host, methods, exact, regex and presence
 * headers, a query) and every rewrite: any method, path, host, headers and query give a match or
 * none, never an exception. Seeds: {@code src/test/resources/io/gatehouse/route/RouteTableFuzzTestInputs/}.
 */
class RouteTableFuzzTest {

    private static final String DEFINITION = """
        upstreams:
          svc:
            targets: [http://127.0.0.1:1]
        routes:
          - id: exact
            match: {path: /exact, methods: [GET, POST]}
            upstream: svc
          - id: prefix
            match: {path: /api/**, host: "*.example.com"}
            upstream: svc
            strip-prefix: true
          - id: template
            match: {path: "/users/{id}/orders/*", headers: {x-tenant: acme}}
            upstream: svc
            rewrite: "/u/{id}"
          - id: header-regex
            match: {path: /regex/**, headers: {x-version: "~v[0-9]+"}, query: {debug: "true"}}
            upstream: svc
            priority: 10
            rewrite: {regex: "^/regex/(.*)$", replacement: "/r/$1"}
          - id: presence
            match: {path: /present/**, headers: {x-present: "*"}}
            upstream: svc
            strip-prefix: 1
          - id: catch-all
            match: {path: /**}
            upstream: svc
            priority: -1
        """;

    private static final RouteTable TABLE = table();

    private static RouteTable table() {
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(DEFINITION);
        GatewayDefinition definition = GatewayDefinition.of(List.of(new GatewayDefinition.Source("fuzz.yml", tree)));
        return new RouteTable(1, definition.routes(), definition.upstreams());
    }

    /**
     * The input is a request as lines: the method, the host, the path, then headers
     * ({@code name: value}) and query parameters ({@code ?name=value}), so seeds stay readable.
     */
    @FuzzTest(maxDuration = "20s", maxExecutions = 300000)
    void match_neverThrows(byte[] input) {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
        String method = lines[0].toUpperCase(Locale.ROOT);
        String host = lines.length > 1 ? lines[1].toLowerCase(Locale.ROOT) : "";
        String path = lines.length > 2 ? lines[2] : "/";
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (int i = 3; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            int eq = line.indexOf('=');
            if (line.startsWith("?") && eq > 0) {
                query.computeIfAbsent(line.substring(1, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            } else if (colon > 0) {
                headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
            }
        }
        RouteMatch match = TABLE.match(new Request(method, path, host, headers, query));
        if (match != null) {
            assertNotNull(match.route());
            assertNotNull(match.upstreamPath(path));
        }
    }

    /** A request as the fuzzer made it. */
    private record Request(String method, String path, String host, Map<String, List<String>> headerMap,
                           Map<String, List<String>> queryMap) implements RequestView {

        @Override
        public String header(String name) {
            List<String> values = headerMap.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.getFirst();
        }

        @Override
        public List<String> headers(String name) {
            return headerMap.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        @Override
        public List<String> query(String name) {
            return queryMap.getOrDefault(name, List.of());
        }
    }
}
