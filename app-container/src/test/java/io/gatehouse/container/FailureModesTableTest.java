package io.gatehouse.container;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table of failure modes in {@code docs/reliability.md} ("When a store is down") names, for
 * each row, the test that proves it: every one must exist as a test method in the repository's
 * test sources (any module: the contract suites run on every engine from {@code shared}), so the
 * table cannot claim a behaviour no test checks.
 */
class FailureModesTableTest {

    private static final Pattern TEST = Pattern.compile("`([A-Z][A-Za-z0-9]*Test)\\.([a-zA-Z0-9_]+)`");

    @Test
    void everyRow_thenNamesTestsThatExist() throws IOException {
        Path root = root();
        String page = Files.readString(root.resolve("docs/reliability.md"));
        int start = page.indexOf("## When a store is down");
        assertTrue(start >= 0, "docs/reliability.md has the section");
        int end = page.indexOf("\n## ", start + 1);
        List<String> rows = page.substring(start, end).lines()
            .filter(line -> line.startsWith("| ") && !line.startsWith("| Store down") && !line.startsWith("|---")).toList();
        assertTrue(rows.size() >= 10, "the table has its rows: " + rows.size());
        Map<String, Path> sources = testSources(root);
        List<String> missing = new ArrayList<>();
        for (String row : rows) {
            String[] cells = row.split("\\|");
            String tests = cells[cells.length - 1];
            Matcher m = TEST.matcher(tests);
            boolean any = false;
            while (m.find()) {
                any = true;
                Path source = sources.get(m.group(1));
                if (source == null || !Files.readString(source).matches("(?s).*\\bvoid " + Pattern.quote(m.group(2)) + "\\(.*")) {
                    missing.add(m.group(1) + "." + m.group(2));
                }
            }
            if (!any) {
                missing.add("a row naming no test: " + row);
            }
        }
        assertEquals(List.of(), missing, "rows of the failure-mode table naming tests that do not exist");
    }

    private static Map<String, Path> testSources(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().contains("/src/test/java/") && f.toString().endsWith("Test.java")
                    && !f.toString().contains("/target/"))
                .collect(Collectors.toMap(f -> f.getFileName().toString().replace(".java", ""), f -> f, (a, b) -> a));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/reliability.md"))) {
                return dir;
            }
        }
        throw new IllegalStateException("docs/reliability.md not found");
    }
}
