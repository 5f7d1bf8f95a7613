package io.gatehouse.docs;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.testing.TestDefinitions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps {@code docs/caching.md} and {@code docs/idempotency.md} honest: every YAML example on them
 * is a complete definition that loads through the gateway's validation.
 */
class CachingReferenceTest {

    private static final Pattern YAML = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"docs/caching.md", "docs/idempotency.md"})
    void everyExample_thenAccepted(String page) throws IOException {
        Matcher blocks = YAML.matcher(read(page));
        int checked = 0;
        while (blocks.find()) {
            String yaml = blocks.group(1);
            try {
                TestDefinitions.parse(yaml);
            } catch (DefinitionException e) {
                throw new AssertionError(page + " example rejected:\n" + yaml + "\n" + e.getMessage(), e);
            }
            checked++;
        }
        assertTrue(checked >= 1, page + " has no YAML example");
    }

    private static String read(String page) throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(page))) {
                return Files.readString(dir.resolve(page));
            }
        }
        throw new IllegalStateException(page + " not found");
    }
}
