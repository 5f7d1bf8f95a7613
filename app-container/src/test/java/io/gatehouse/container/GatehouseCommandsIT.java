package io.gatehouse.container;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command-line tools as a CI pipeline runs them: the packaged jar
 * ({@code app-container/target/gatehouse-container.jar}; failsafe runs this after packaging) in a
 * JVM of its own, {@code java -cp gatehouse-container.jar <main> ...}, which is what
 * {@code bin/gatehouse validate} and {@code bin/gatehouse import} execute. Exit statuses and the
 * printed lines are what a user sees.
 */
class GatehouseCommandsIT {

    private static final String VALIDATE = "io.gatehouse.definition.ValidateCommand";
    private static final String IMPORT = "io.gatehouse.migration.ImportCommand";

    @TempDir
    Path dir;

    /** What a child process printed and how it ended. */
    private record Run(int status, String out, String err) {
    }

    @Test
    void validate_thenExitStatusAndTheProblemLinesOfAReload() throws Exception {
        Path good = Files.writeString(dir.resolve("good.yml"), """
            upstreams:
              catalog: { targets: [ "http://127.0.0.1:8081" ] }
            routes:
              - { id: catalog, match: { path: /catalog/** }, strip-prefix: true, upstream: catalog }
            """);
        Run valid = run(VALIDATE, good.toString());
        assertEquals(0, valid.status(), valid.err());
        assertEquals(good.toAbsolutePath() + ": valid: 1 routes, 1 upstreams, 0 consumers, 0 plans", valid.out().strip());
        assertEquals("", valid.err().strip(), "no framework logging on a clean run");

        Path bad = Files.writeString(dir.resolve("bad.yml"), """
            upstreams:
              catalog: { targets: [ "127.0.0.1:8081" ] }
            routes:
              - { id: catalog, match: { path: /catalog/** }, upstream: catalogue }
            consumers:
              partner: { groups: [partners], tier: gold }
            """);
        Run invalid = run(VALIDATE, bad.toString());
        assertEquals(1, invalid.status(), invalid.out());
        assertEquals("""
            Invalid gateway configuration (3 problems):
              - %1$s: upstreams.catalog.targets[0]: is not a valid URL: Illegal character in scheme name at index 0: 127.0.0.1:8081
              - %1$s: consumers.partner.tier: unknown field (expected one of groups, keys, tenant, plan)
              - %1$s: routes[0].upstream: unknown upstream 'catalogue' (defined: catalog)""".formatted(bad.toAbsolutePath()),
            invalid.err().strip());

        Run missing = run(VALIDATE, dir.resolve("absent.yml").toString());
        assertEquals(2, missing.status());
        assertEquals("gatehouse validate: " + dir.resolve("absent.yml") + ": no such file", missing.err().strip());
        assertEquals(2, run(VALIDATE).status());
    }

    @Test
    void importKong_thenARouteFileThatValidatesAndTheUnmappedListed() throws Exception {
        Path kong = dir.resolve("kong.yml");
        try (InputStream seed = GatehouseCommandsIT.class.getResourceAsStream("/migration/kong.yml")) {
            Files.writeString(kong, new String(seed.readAllBytes(), StandardCharsets.UTF_8).replaceAll("@[A-Z_]+_PORT@", "18080"));
        }
        Run imported = run(IMPORT, "kong", kong.toString());
        assertEquals(1, imported.status(), imported.err());
        assertTrue(imported.out().startsWith("# Imported from " + kong + " by bin/gatehouse import."), imported.out());
        assertTrue(imported.err().contains("Not mapped (6):"), imported.err());
        assertTrue(imported.err().contains("  gateway.api-keys.header = apikey   (Kong key-auth key_names)"), imported.err());

        Path output = Files.writeString(dir.resolve("imported.yml"), imported.out());
        Run validated = run(VALIDATE, output.toString());
        assertEquals(0, validated.status(), validated.err());
        assertEquals(output.toAbsolutePath() + ": valid: 2 routes, 2 upstreams, 3 consumers, 0 plans", validated.out().strip());

        assertEquals(2, run(IMPORT, "nginx", kong.toString()).status());
        Run notKong = run(IMPORT, "kong", output.toString());
        assertEquals(2, notKong.status());
        assertTrue(notKong.err().contains("is not a Kong declarative configuration (no _format_version)"), notKong.err());
    }

    @Test
    void importTraefik_thenYamlAndTomlFilesBecomeOneRouteFileThatValidates() throws Exception {
        Path traefik = Files.createDirectories(dir.resolve("dynamic"));
        for (String name : List.of("routers.yml", "middlewares.yml", "services.yml", "legacy.toml")) {
            try (InputStream seed = GatehouseCommandsIT.class.getResourceAsStream("/migration/traefik/" + name)) {
                Files.writeString(traefik.resolve(name),
                    new String(seed.readAllBytes(), StandardCharsets.UTF_8).replaceAll("@[A-Z_]+_PORT@", "18080"));
            }
        }
        Path output = dir.resolve("imported.yml");
        Run imported = run(IMPORT, "traefik", traefik.toString(), "-o", output.toString());
        assertEquals(1, imported.status(), imported.err());
        assertTrue(imported.err().startsWith("gatehouse import: 4 routes written to " + output), imported.err());
        assertTrue(imported.err().contains("a negation (!) cannot be expressed"), imported.err());

        Run validated = run(VALIDATE, output.toString());
        assertEquals(0, validated.status(), validated.err());
        assertEquals(output.toAbsolutePath() + ": valid: 4 routes, 3 upstreams, 0 consumers, 0 plans", validated.out().strip());
    }

    private Run run(String main, String... args) throws IOException, InterruptedException {
        String jar = System.getProperty("gatehouse.container.jar", "target/gatehouse-container.jar");
        assertTrue(Files.isRegularFile(Path.of(jar)), "run after packaging: " + jar + " is missing");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", jar, main));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("GATEHOUSE_LOG_LEVEL");
        Process process = builder.start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the command did not end");
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
