package io.gatehouse.container;

import io.gatehouse.container.proxy.RawHttp;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The OCI image the {@code image} profile builds with Jib ({@code target/gatehouse-image.tar}, no
 * Docker engine): its manifest and configuration (OCI media types, user 65532, port 8080, the
 * entrypoint on the image's own JDK with a class path of jars only, labels, environment), its
 * layers assembled into a root file system ({@code infra/image/unpack.sh}) with the jlink'd runtime
 * and the unprivileged user in it, and the gateway started from that file system with the image's
 * own entrypoint, environment and user ({@code infra/image/run.sh}: chroot in a mount namespace of
 * its own), answering {@code /v1/health/ready} and {@code /v1/health}, then draining on SIGTERM.
 * Runs with {@code -Pimage} ({@code bin/gatehouse test} passes it), as root (chroot, mount).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageIT {

    private static final JsonMapper JSON = JsonMapper.createDefault();
    private static final String MAIN = GatehouseContainer.class.getName();

    private Path work;
    private JsonNode manifest;
    private JsonNode config;
    private Path rootfs;

    @BeforeAll
    void unpack() throws Exception {
        Path tar = Path.of(System.getProperty("gatehouse.image.tar", "target/gatehouse-image.tar"));
        assertTrue(Files.isRegularFile(tar), "build with -Pimage first: " + tar + " is missing");
        assertEquals("0", run("id", "-u").strip(), "ImageIT runs the image with chroot: run it as root");
        work = Files.createTempDirectory("gatehouse-image");
        run(script("unpack.sh"), tar.toString(), work.toString());
        manifest = JSON.readValue(Files.readAllBytes(work.resolve("manifest.json")), JsonNode.class);
        config = JSON.readValue(Files.readAllBytes(work.resolve("config.json")), JsonNode.class);
        rootfs = work.resolve("rootfs");
    }

    @AfterAll
    void clean() throws Exception {
        if (work != null) {
            run("rm", "-rf", work.toString());
        }
    }

    @Test
    void manifestAndConfiguration() {
        assertEquals("application/vnd.oci.image.manifest.v1+json", manifest.get("mediaType").getStringValue());
        assertEquals("application/vnd.oci.image.config.v1+json", manifest.get("config").get("mediaType").getStringValue());
        assertTrue(manifest.get("layers").size() >= 4, "dependencies, the application, the base apart: " + manifest);
        assertEquals("linux", config.get("os").getStringValue());
        assertEquals("amd64", config.get("architecture").getStringValue());
        JsonNode c = config.get("config");
        assertEquals("65532:65532", c.get("User").getStringValue(), "never root");
        assertNotNull(c.get("ExposedPorts").get("8080/tcp"), "port 8080 exposed: " + c.get("ExposedPorts"));
        assertEquals(1, c.get("ExposedPorts").size(), "one port: routes, health, metrics and the admin API");

        List<String> entrypoint = strings(c.get("Entrypoint"));
        assertEquals("/opt/java/bin/java", entrypoint.getFirst(), "the image's own runtime");
        assertTrue(entrypoint.contains("-XX:MaxRAMPercentage=50"), "memory from the container's limit: " + entrypoint);
        assertTrue(entrypoint.contains("-XX:+ExitOnOutOfMemoryError"), entrypoint.toString());
        int cp = entrypoint.indexOf("-cp");
        assertEquals("@/app/jib-classpath-file", entrypoint.get(cp + 1), entrypoint.toString());
        assertEquals(MAIN, entrypoint.getLast());
        boolean cached = Files.exists(rootfs.resolve("app/gatehouse.aot"));
        assertEquals(cached, entrypoint.contains("-XX:AOTCache=/app/gatehouse.aot"),
            "the entrypoint maps the AOT cache exactly when the image has one: " + entrypoint);

        List<String> env = strings(c.get("Env"));
        assertTrue(env.contains("GATEHOUSE_CONFIG=/etc/gatehouse/gatehouse.yml"), env.toString());
        assertTrue(env.contains("MICRONAUT_SERVER_PORT=8080"), env.toString());

        JsonNode labels = c.get("Labels");
        assertEquals("Gatehouse", labels.get("org.opencontainers.image.title").getStringValue());
        assertFalse(labels.get("org.opencontainers.image.version").getStringValue().isBlank());
        assertEquals("/v1/health/ready", labels.get("io.gatehouse.health").getStringValue());
        assertEquals("/v1/health/live", labels.get("io.gatehouse.liveness").getStringValue());
        assertTrue(labels.get("io.gatehouse.ports").getStringValue().startsWith("8080"));
    }

    @Test
    void rootFileSystem() throws IOException {
        Path java = rootfs.resolve("opt/java/bin/java");
        assertTrue(Files.getPosixFilePermissions(java).contains(PosixFilePermission.OTHERS_EXECUTE), "java is executable");
        assertTrue(Files.isRegularFile(rootfs.resolve("lib64/ld-linux-x86-64.so.2")), "the C library's loader");
        assertTrue(Files.readString(rootfs.resolve("etc/passwd")).contains("gatehouse:x:65532:65532:"));
        assertTrue(Files.isRegularFile(rootfs.resolve("etc/gatehouse/gatehouse.yml")), "the default route file");
        assertEquals(Set.of(PosixFilePermission.values()), Files.getPosixFilePermissions(rootfs.resolve("tmp")),
            "/tmp is writable by the image's user");
        assertEquals(MAIN, Files.readString(rootfs.resolve("app/jib-main-class-file")).strip());
        String classpath = Files.readString(rootfs.resolve("app/jib-classpath-file")).strip();
        for (String entry : classpath.split(":")) {
            if (entry.endsWith("/*")) {
                // Jib's wildcard for the application's directory: the launcher expands it; one jar in
                // it keeps the order fixed.
                try (var files = Files.list(rootfs.resolve(entry.substring(1, entry.length() - 2)))) {
                    List<Path> jars = files.toList();
                    assertEquals(1, jars.size(), entry + ": " + jars);
                    assertTrue(jars.getFirst().toString().endsWith(".jar"), jars.toString());
                }
                continue;
            }
            assertTrue(entry.endsWith(".jar") && Files.isRegularFile(rootfs.resolve(entry.substring(1))),
                "a class path of jars only, as the AOT cache needs: " + entry);
        }
        assertTrue(classpath.startsWith("/app/classpath/"), "the application's own jar first: " + classpath);
        assertTrue(Files.size(rootfs.resolve("app/classpath/gatehouse-container.jar")) < 5 * 1024 * 1024,
            "the shaded jar is not in the image");
    }

    @Test
    void startsFromItsOwnFileSystem_answersHealth_andDrainsOnSigterm() throws Exception {
        int port = TestUpstream.freePort();
        Path log = Files.createTempFile("gatehouse-image", ".log");
        ProcessBuilder builder = new ProcessBuilder(script("run.sh"), work.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().put("GH_IMAGE_PASS", "MICRONAUT_SERVER_PORT");
        builder.environment().put("MICRONAUT_SERVER_PORT", String.valueOf(port));
        Process gateway = builder.start();
        try {
            RawHttp.Response ready = awaitReady(port, gateway, log);
            assertEquals("{\"status\":\"ok\"}", ready.body());
            try (RawHttp raw = new RawHttp(port)) {
                raw.send("GET /v1/health HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n");
                RawHttp.Response health = raw.read();
                assertEquals(200, health.status(), health.body());
                JsonNode report = JSON.readValue(health.body(), JsonNode.class);
                assertEquals("embedded", report.get("mode").getStringValue(), health.body());
                assertEquals("ok", report.get("checks").get("database").get("status").getStringValue(), health.body());
            }
            // The entrypoint keeps the script's process (no fork): it is the JVM, as the image's user.
            String status = Files.readString(Path.of("/proc", String.valueOf(gateway.pid()), "status"));
            assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+65532\\s.*")), status);
            assertTrue(Files.readString(Path.of("/proc", String.valueOf(gateway.pid()), "cmdline")).startsWith("/opt/java/bin/java"));

            gateway.destroy();
            assertTrue(gateway.waitFor(60, TimeUnit.SECONDS), "stops on SIGTERM:\n" + Files.readString(log));
            String output = Files.readString(log);
            assertTrue(output.contains("Draining: every connection closed"), output);
            assertFalse(output.contains("[error][aot]"), "the AOT cache, when there is one, maps:\n" + output);
        } finally {
            if (gateway.isAlive()) {
                gateway.destroyForcibly();
                gateway.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static RawHttp.Response awaitReady(int port, Process gateway, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                fail("the image's entrypoint exited with " + gateway.exitValue() + ":\n" + Files.readString(log));
            }
            try (RawHttp raw = new RawHttp(port)) {
                raw.send("GET /v1/health/ready HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n");
                RawHttp.Response response = raw.read();
                if (response.status() == 200) {
                    return response;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail("the image did not answer within 120 s:\n" + Files.readString(log));
        return null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.values().forEach(v -> values.add(v.getStringValue()));
        return values;
    }

    private static String script(String name) {
        Path root = Path.of(System.getProperty("gatehouse.root", ".."));
        return root.resolve("infra/image").resolve(name).toAbsolutePath().toString();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), String.join(" ", command) + ":\n" + output);
        return output;
    }
}
