package io.gatehouse.definition;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code gatehouse validate}: the verdict and exit status for a good file and several bad ones,
 * with exactly the problem lines a reload logs. (The packaged jar is run in a child process by
 * {@code GatehouseCommandsIT} in app-container.)
 */
class ValidateCommandTest {

    private static final String GOOD = """
        upstreams:
          catalog:
            targets: ["${CATALOG_URL:`http://127.0.0.1:8081`}"]
        routes:
          - id: catalog
            match: { path: /catalog/** }
            strip-prefix: true
            upstream: catalog
            limits: [ { plan: gold } ]
        consumers:
          partner:
            groups: [partners]
        plans:
          gold: { limits: [ { requests: 100, per: minute } ] }
        """;

    @TempDir
    Path dir;

    static Stream<Arguments> files() {
        return Stream.of(
            Arguments.of("a good file", GOOD, ValidateCommand.VALID, "%s: valid: 1 routes, 1 upstreams, 1 consumers, 1 plans"),
            Arguments.of("an unknown upstream and a bad timeout", GOOD.replace("upstream: catalog", "upstream: catalogue\n    timeouts: "
                + "{ response: soon }"), ValidateCommand.INVALID, """
                Invalid gateway configuration (2 problems):
                  - %1$s: routes[0].timeouts.response: must be a duration such as 250ms, 5s or 2m, not 'soon'
                  - %1$s: routes[0].upstream: unknown upstream 'catalogue' (defined: catalog)"""),
            Arguments.of("a bad consumer", GOOD.replace("groups: [partners]", "groups: [partners]\n    keys: [{sha256: abc}]"),
                ValidateCommand.INVALID, """
                Invalid gateway configuration (1 problem):
                  - %s: consumers.partner.keys[0].sha256: must be 64 hex digits, the SHA-256 of the key"""),
            Arguments.of("a consumer with nothing under its name", GOOD.replace("    groups: [partners]\n", ""), ValidateCommand.VALID,
                "%s: valid: 1 routes, 1 upstreams, 1 consumers, 1 plans"),
            Arguments.of("a limits plan naming no plan", GOOD.replace("gold: {", "silver: {"), ValidateCommand.INVALID, """
                Invalid gateway configuration (1 problem):
                  - %s: routes[0].limits[0].plan: unknown plan 'gold' (defined: silver)"""),
            Arguments.of("broken YAML", "routes: [ {id: unclosed", ValidateCommand.INVALID, """
                Invalid gateway configuration (1 problem):
                  - %s: line 1: not valid YAML: expected ',' or '}', but got <stream end>"""),
            Arguments.of("a placeholder without a value", GOOD.replace("${CATALOG_URL:`http://127.0.0.1:8081`}",
                "${GATEHOUSE_VALIDATE_TEST_UNSET}"), ValidateCommand.INVALID, "Invalid gateway configuration (1 problem):"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void file_thenVerdictAndExitStatus(String name, String content, int status, String expected) throws IOException {
        Path file = dir.resolve("gatehouse.yml");
        Files.writeString(file, content);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = ValidateCommand.run(List.of(file.toString()), print(out), print(err));

        assertEquals(status, exit, err.toString(StandardCharsets.UTF_8));
        String printed = (status == ValidateCommand.VALID ? out : err).toString(StandardCharsets.UTF_8).strip();
        String wanted = expected.formatted(file.toAbsolutePath().normalize());
        if (name.startsWith("a placeholder")) {
            assertEquals(wanted, printed.lines().findFirst().orElseThrow(), printed);
        } else {
            assertEquals(wanted, printed);
        }
    }

    static Stream<Arguments> calls() {
        return Stream.of(
            Arguments.of("no file", List.of(), "usage: gatehouse validate <route file>"),
            Arguments.of("two files", List.of("a.yml", "b.yml"), "usage: gatehouse validate <route file>"),
            Arguments.of("an option", List.of("--strict"), "usage: gatehouse validate <route file>"),
            Arguments.of("a missing file", List.of("/nonexistent/gatehouse.yml"),
                "gatehouse validate: /nonexistent/gatehouse.yml: no such file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void wrongCall_thenUsageStatus(String name, List<String> args, String message) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(ValidateCommand.USAGE, ValidateCommand.run(args, print(new ByteArrayOutputStream()), print(err)));
        assertEquals(message, err.toString(StandardCharsets.UTF_8).strip());
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
