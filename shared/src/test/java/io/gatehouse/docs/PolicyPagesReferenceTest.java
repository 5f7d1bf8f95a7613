package io.gatehouse.docs;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.definition.GatewayDefinition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the policy pages honest ({@code docs/validation.md}, {@code docs/transforms.md}): every
 * YAML example loads through the gateway's validation as if the page were the route file (a schema
 * file it names is resolved beside the page, in {@code docs/schemas/}), and the {@code # invalid}
 * example is refused with each problem the page quotes.
 */
class PolicyPagesReferenceTest {

    private static final Pattern BLOCK = Pattern.compile("```(yaml|text)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern QUOTED = Pattern.compile("^ {2}- [^:]+: (.*)$", Pattern.MULTILINE);

    @ParameterizedTest
    @ValueSource(strings = {"docs/validation.md", "docs/transforms.md"})
    void everyValidExample_thenAccepted(String name) throws IOException {
        Path page = page(name);
        int checked = 0;
        for (String yaml : blocks(page, "yaml")) {
            if (yaml.startsWith("# invalid")) {
                continue;
            }
            try {
                definition(yaml, page);
            } catch (DefinitionException e) {
                throw new AssertionError(name + ": example rejected:\n" + yaml + "\n" + e.getMessage(), e);
            }
            checked++;
        }
        assertTrue(checked >= 2, name + ": examples checked: " + checked);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docs/validation.md", "docs/transforms.md"})
    void invalidExample_thenTheQuotedProblems(String name) throws IOException {
        Path page = page(name);
        String invalid = blocks(page, "yaml").stream().filter(y -> y.startsWith("# invalid")).findFirst().orElseThrow();
        DefinitionException refused = assertThrows(DefinitionException.class, () -> definition(invalid, page));
        String quoted = blocks(page, "text").stream().filter(t -> t.contains("routes[0]")).findFirst().orElseThrow();
        Matcher lines = QUOTED.matcher(quoted);
        int found = 0;
        while (lines.find()) {
            String line = lines.group(1);
            List<String> actual = refused.problems().stream().map(p -> p.path() + ": " + p.message()).toList();
            assertTrue(actual.stream().anyMatch(a -> a.startsWith(line)), name + " quotes '" + line + "', the gateway says " + actual);
            found++;
        }
        assertTrue(found == refused.problems().size(), name + " quotes " + found + " of " + refused.problems().stream()
            .map(DefinitionProblem::toString).toList());
    }

    @SuppressWarnings("unchecked")
    private static void definition(String yaml, Path page) {
        Map<String, Object> root = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        Map<String, Object> stubs = new LinkedHashMap<>();
        for (Object route : (List<Object>) root.getOrDefault("routes", List.of())) {
            stubs.put(String.valueOf(((Map<String, Object>) route).get("upstream")), Map.of("targets", List.of("http://127.0.0.1:9")));
        }
        GatewayDefinition.of(List.of(new GatewayDefinition.Source(page.toString(), root),
            new GatewayDefinition.Source("stubs", Map.of("upstreams", stubs))));
    }

    private static List<String> blocks(Path page, String language) throws IOException {
        List<String> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(page));
        while (m.find()) {
            if (m.group(1).equals(language)) {
                out.add(m.group(2));
            }
        }
        return out;
    }

    private static Path page(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                return file.normalize();
            }
        }
        throw new IllegalStateException(name + " not found");
    }
}
