package io.gatehouse.docs;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.definition.GatewayDefinition;
import io.gatehouse.route.RequestView;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.route.RouteTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps {@code docs/routes.md} honest: every YAML example validates as a gateway definition
 * (upstreams it only names are stubbed), the invalid example fails with exactly the problems the
 * page quotes, and the priority table's requests reach the routes it names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutesReferenceTest {

    private static final Pattern BLOCK = Pattern.compile("```(yaml|text)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[A-Za-z0-9_.]+:`([^`]*)`}");
    private static final Pattern PRIORITY_ROW = Pattern.compile(
        "^\\| `(\\w+) ([^`]+)`(?: with `([^:]+): ([^`]+)`)? \\| `([^`]+)` \\|.*$");

    private final String page = read();

    private static String read() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("docs/routes.md");
            if (Files.isRegularFile(file)) {
                try {
                    return Files.readString(file);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("docs/routes.md not found");
    }

    private List<String> blocks(String language) {
        List<String> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(page);
        while (m.find()) {
            if (m.group(1).equals(language)) {
                out.add(m.group(2));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static GatewayDefinition definition(String yaml, String sourceName) {
        return definition(yaml, sourceName, true);
    }

    @SuppressWarnings("unchecked")
    private static GatewayDefinition definition(String yaml, String sourceName, boolean stubUpstreams) {
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(PLACEHOLDER.matcher(yaml).replaceAll("$1"));
        Map<String, Object> root = (Map<String, Object>) tree;
        if (root.containsKey("gateway")) {
            root = (Map<String, Object>) root.get("gateway");
        }
        Map<String, Object> stubs = new LinkedHashMap<>();
        Map<String, Object> defined = (Map<String, Object>) root.getOrDefault("upstreams", Map.of());
        for (Object route : (List<Object>) root.getOrDefault("routes", List.of())) {
            Object upstream = ((Map<String, Object>) route).get("upstream");
            if (upstream != null && !defined.containsKey(upstream)) {
                stubs.put(String.valueOf(upstream), Map.of("targets", List.of("http://127.0.0.1:9")));
            }
        }
        if (!stubUpstreams) {
            return GatewayDefinition.of(List.of(new GatewayDefinition.Source(sourceName, root)));
        }
        return GatewayDefinition.of(List.of(new GatewayDefinition.Source(sourceName, root),
            new GatewayDefinition.Source("stubs", Map.of("upstreams", stubs))));
    }

    @Test
    void everyValidExample_thenAccepted() {
        int checked = 0;
        for (String yaml : blocks("yaml")) {
            if (yaml.startsWith("# invalid")) {
                continue;
            }
            try {
                definition(yaml, "docs/routes.md");
            } catch (DefinitionException e) {
                throw new AssertionError("example rejected:\n" + yaml + "\n" + e.getMessage(), e);
            }
            checked++;
        }
        assertTrue(checked >= 15, "examples checked: " + checked);
    }

    @Test
    void invalidExample_thenTheQuotedProblems() {
        String invalid = blocks("yaml").stream().filter(y -> y.startsWith("# invalid")).findFirst().orElseThrow();
        DefinitionException e = assertThrows(DefinitionException.class, () -> definition(invalid, "/tmp/x/broken.yml", false));
        String quoted = blocks("text").stream().filter(t -> t.contains("Invalid gateway configuration")).findFirst().orElseThrow();
        for (DefinitionProblem problem : e.problems()) {
            assertTrue(quoted.contains("  - " + problem), "docs/routes.md quotes: " + problem);
        }
        assertTrue(quoted.contains("(" + e.problems().size() + " problems)"), quoted);
    }

    @Test
    void priorityTable_thenEachRequestReachesItsRoute() {
        String example = blocks("yaml").stream().filter(y -> y.contains("id: catch-all")).findFirst().orElseThrow();
        GatewayDefinition definition = definition(example, "docs/routes.md");
        RouteTable table = new RouteTable(1, definition.routes(), definition.upstreams());
        String section = page.substring(page.indexOf("## Priority"), page.indexOf("## Rewrites"));
        int rows = 0;
        for (String line : section.split("\n")) {
            Matcher row = PRIORITY_ROW.matcher(line);
            if (!row.matches()) {
                continue;
            }
            RouteMatch match = table.match(new Request(row.group(1), row.group(2), row.group(3), row.group(4)));
            assertNotNull(match, line);
            assertEquals(row.group(5), match.route().id(), line);
            rows++;
        }
        assertEquals(7, rows, "rows of the priority table");
        assertFalse(definition.routes().isEmpty());
    }

    /**
     * A request of the priority table.
     *
     * @param method      the method
     * @param path        the path
     * @param headerName  a header, or {@code null}
     * @param headerValue its value
     */
    private record Request(String method, String path, String headerName, String headerValue) implements RequestView {
        @Override
        public String host() {
            return "api.example.com";
        }

        @Override
        public String header(String name) {
            return headerName != null && headerName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)) ? headerValue : null;
        }

        @Override
        public List<String> query(String name) {
            return List.of();
        }
    }
}
