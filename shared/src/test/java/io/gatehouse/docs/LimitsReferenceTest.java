package io.gatehouse.docs;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.definition.GatewayDefinition;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps {@code docs/limits.md} honest: every YAML example loads as a gateway definition (the
 * upstreams it only names are stubbed), and the validation error it quotes is the one its key
 * produces.
 */
class LimitsReferenceTest {

    private static final Pattern YAML = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    private static String page() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("docs/limits.md");
            if (Files.isRegularFile(file)) {
                return Files.readString(file);
            }
        }
        throw new IllegalStateException("docs/limits.md not found");
    }

    @SuppressWarnings("unchecked")
    private static GatewayDefinition load(String yaml) {
        Map<String, Object> root = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        Map<String, Object> stubs = new LinkedHashMap<>();
        for (Object route : (List<Object>) root.getOrDefault("routes", List.of())) {
            stubs.put(String.valueOf(((Map<String, Object>) route).get("upstream")), Map.of("targets", List.of("http://127.0.0.1:9")));
        }
        return GatewayDefinition.of(List.of(new GatewayDefinition.Source("docs/limits.md", root),
            new GatewayDefinition.Source("stubs", Map.of("upstreams", stubs))));
    }

    @Test
    void everyExample_thenAccepted() throws IOException {
        List<String> examples = new ArrayList<>();
        Matcher m = YAML.matcher(page());
        while (m.find()) {
            examples.add(m.group(1));
        }
        assertTrue(!examples.isEmpty(), "no example found");
        for (String yaml : examples) {
            try {
                load(yaml);
            } catch (DefinitionException e) {
                throw new AssertionError("example rejected:\n" + yaml + "\n" + e.getMessage(), e);
            }
        }
    }

    @Test
    void quotedValidationError_thenWhatTheKeyProduces() throws IOException {
        String page = page();
        Matcher m = YAML.matcher(page);
        assertTrue(m.find());
        String fortnight = m.group(1).replace("{ by: ip, requests: 3, per: minute }", "{ by: ip, requests: 3, per: fortnight }");
        DefinitionException e = org.junit.jupiter.api.Assertions.assertThrows(DefinitionException.class, () -> load(fortnight));
        String quoted = "routes[0].limits[0].per: " + e.problems().getFirst().message();
        assertTrue(page.contains(quoted), "docs/limits.md should quote: " + quoted);
    }
}
