package io.gatehouse.docs;

import io.gatehouse.definition.GatewayDefinition;
import io.gatehouse.migration.KongImport;
import io.gatehouse.migration.TraefikImport;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keeps {@code docs/migrating.md} honest: each import's "after" block is exactly what the importer
 * makes of its "before" block, and the hand-written route files validate.
 */
class MigratingReferenceTest {

    private static final Pattern BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[A-Za-z0-9_.]+:`([^`]*)`}");

    @Test
    void kongBeforeAndAfter_thenTheImporterWritesTheAfterBlock() {
        List<String> blocks = blocks("## From Kong");
        assertEquals(blocks.get(1), KongImport.convert(load(blocks.get(0)), "kong.yml").yaml());
    }

    @Test
    void traefikBeforeAndAfter_thenTheImporterWritesTheAfterBlock() {
        List<String> blocks = blocks("## From Traefik");
        assertEquals(blocks.get(1), TraefikImport.convert(List.of(new TraefikImport.Document("dynamic.yml", load(blocks.get(0)))),
            "traefik", Map.of()).yaml());
    }

    @Test
    void agentPlatformRouteFile_thenValid() {
        String block = blocks("## From the agent platform's gateway").getFirst();
        GatewayDefinition.of(List.of(new GatewayDefinition.Source("migrating.md", load(PLACEHOLDER.matcher(block).replaceAll("$1")))));
    }

    private static Object load(String yaml) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    }

    private static List<String> blocks(String heading) {
        String page = read();
        int start = page.indexOf(heading);
        int end = page.indexOf("\n## ", start + heading.length());
        Matcher m = BLOCK.matcher(page.substring(start, end < 0 ? page.length() : end));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static String read() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("docs/migrating.md");
            if (Files.isRegularFile(file)) {
                try {
                    return Files.readString(file);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("docs/migrating.md not found");
    }
}
