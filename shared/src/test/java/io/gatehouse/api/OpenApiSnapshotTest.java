package io.gatehouse.api;

import io.gatehouse.contract.OpenApiDocument;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document of this build is the committed snapshot ({@value OpenApiDocument#SNAPSHOT}):
 * a change to an endpoint's documentation is made to the snapshot in the same commit, where a
 * reviewer sees it. With {@code -Dopenapi.snapshot.update=true} (what {@code bin/gatehouse
 * openapi-snapshot} passes) it writes the snapshot instead; without it, it never does.
 */
class OpenApiSnapshotTest {

    @Test
    void generatedDocument_thenSameAsSnapshot() throws IOException {
        Map<String, Object> generated = OpenApiDocument.generated().tree();
        if (Boolean.getBoolean(OpenApiDocument.UPDATE_PROPERTY)) {
            Path file = OpenApiDocument.repositoryFile("docs").resolveSibling(OpenApiDocument.SNAPSHOT);
            Files.createDirectories(file.getParent());
            Files.writeString(file, OpenApiDocument.print(generated));
            assertEquals(generated, OpenApiDocument.snapshot().tree(), "the snapshot reads back as written");
            return;
        }
        List<String> differences = OpenApiDocument.differences(OpenApiDocument.snapshot().tree(), generated);
        assertTrue(differences.isEmpty(), () -> "The OpenAPI document of this build differs from " + OpenApiDocument.SNAPSHOT + " in "
            + differences.size() + " place(s):\n  " + String.join("\n  ", differences.subList(0, Math.min(30, differences.size())))
            + (differences.size() > 30 ? "\n  ..." : "") + "\n" + OpenApiDocument.UPDATE_HINT);
    }
}
