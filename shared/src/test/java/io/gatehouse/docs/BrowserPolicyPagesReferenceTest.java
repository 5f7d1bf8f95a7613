package io.gatehouse.docs;

import io.gatehouse.definition.GatewayDefinition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the policy pages honest: every YAML example with routes in {@code docs/cors.md},
 * {@code docs/security-headers.md} and {@code docs/request-limits.md} loads as a gateway definition.
 */
class BrowserPolicyPagesReferenceTest {

    private static final Pattern YAML = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"docs/cors.md", "docs/security-headers.md", "docs/request-limits.md"})
    void everyRouteExample_thenLoads(String page) {
        List<String> examples = new ArrayList<>();
        Matcher m = YAML.matcher(read(page));
        while (m.find()) {
            if (m.group(1).contains("routes:")) {
                examples.add(m.group(1));
            }
        }
        assertFalse(examples.isEmpty(), page + " has route examples");
        for (String example : examples) {
            GatewayDefinition definition = GatewayDefinition.of(List.of(new GatewayDefinition.Source(page, new Yaml().load(example))));
            assertTrue(!definition.routes().isEmpty(), example);
        }
    }

    private static String read(String page) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(page);
            if (Files.isRegularFile(file)) {
                try {
                    return Files.readString(file);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException(page + " not found");
    }
}
