package io.gatehouse.docs;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditLog;
import io.gatehouse.observability.RequestIds;
import io.gatehouse.testing.AuditRows;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps {@code docs/audit.md} honest: its Java example is {@link #recordExample} below, line for
 * line, and that code records what the page says it does.
 */
class AuditReferenceTest {

    private static final String START = "// docs/audit.md: record an event";
    private static final String END = "// docs/audit.md: end";

    /** The example of "For implementers"; the page shows the lines between the markers. */
    static void recordExample(AuditLog auditLog, HttpRequest<?> request, String subject, String tenant, String id, String issuer) {
        // docs/audit.md: record an event
        auditLog.record(AuditEvent.builder(AuditEvent.Category.ADMIN, "sso-provider.create")
            .principal(subject, "admin-token").tenant(tenant)
            .request(RequestIds.of(request), request.getMethodName(), request.getPath())
            .target("sso-provider:" + id)
            .details(Map.of("issuer", issuer))
            .build());
        // docs/audit.md: end
    }

    @Test
    void javaExample_thenTheSameAsTheCompiledOne() throws IOException {
        String page = Files.readString(find("docs/audit.md"));
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(page);
        assertTrue(block.find(), "docs/audit.md has a Java example");
        String source = Files.readString(find("shared/src/test/java/io/gatehouse/docs/AuditReferenceTest.java"));
        String compiled = source.substring(source.indexOf(START, source.indexOf("static void recordExample")) + START.length(),
            source.indexOf(END, source.indexOf("static void recordExample")));
        assertEquals(dedent(compiled), dedent(block.group(1)));
    }

    @Test
    void javaExample_thenRecordsTheEventItShows() throws Exception {
        String url = "jdbc:h2:mem:audit_docs_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        try (ApplicationContext context = ApplicationContext.run(Map.of("datasources.default.url", url,
            "gateway.audit.mode", "per-request"))) {
            HttpRequest<?> request = HttpRequest.POST("/admin/sso-providers", "{}");
            recordExample(context.getBean(AuditLog.class), request, "alice", "acme", "corp", "https://login.example.com");
            context.getBean(AuditLog.class).flush(Duration.ZERO);

            List<Map<String, Object>> rows = AuditRows.read(url, "sa", RequestIds.of(request));
            assertEquals(1, rows.size(), rows.toString());
            Map<String, Object> row = rows.getFirst();
            assertEquals("admin", row.get("category"));
            assertEquals("sso-provider.create", row.get("action"));
            assertEquals("allow", row.get("decision"));
            assertEquals("alice", row.get("principal"));
            assertEquals("admin-token", row.get("auth_method"));
            assertEquals("acme", row.get("tenant"));
            assertEquals("POST", row.get("http_method"));
            assertEquals("/admin/sso-providers", row.get("path"));
            assertEquals("sso-provider:corp", row.get("target"));
            assertEquals("{\"issuer\":\"https://login.example.com\"}", row.get("details"));
        }
    }

    private static String dedent(String code) {
        List<String> lines = Arrays.stream(code.split("\n")).filter(line -> !line.isBlank()).toList();
        int indent = lines.stream().mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return lines.stream().map(line -> line.substring(indent)).collect(Collectors.joining("\n"));
    }

    private static Path find(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found");
    }
}
