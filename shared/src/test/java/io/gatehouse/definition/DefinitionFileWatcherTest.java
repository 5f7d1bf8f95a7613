package io.gatehouse.definition;

import io.gatehouse.testing.TestRequest;
import io.gatehouse.route.RouteMatch;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Editing the declarative file swaps the route table within about two seconds (the default
 * one-second poll plus a reload); an invalid edit leaves the table in force.
 */
class DefinitionFileWatcherTest {

    private static final Duration DEADLINE = Duration.ofMillis(2500);

    private static final String FILE = """
        upstreams:
          one:
            targets: [http://127.0.0.1:9]
        routes:
          - id: %s
            match:
              path: %s
            upstream: one
        """;

    @TempDir
    Path dir;
    private Path file;
    private ApplicationContext context;

    @BeforeEach
    void start() throws IOException {
        file = dir.resolve("gatehouse.yml");
        Files.writeString(file, FILE.formatted("first", "/first/**"));
        context = ApplicationContext.run(Map.of(
            "gateway.config-file", file.toString(),
            "datasources.default.url", "jdbc:h2:mem:watch_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1"));
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void fileEdited_thenNewRoutingWithinTwoSeconds_andRequestsInFlightKeepTheirSnapshot() throws IOException {
        GatewayState state = context.getBean(GatewayState.class);
        GatewayState.Snapshot inFlight = state.current();
        assertEquals("first", route(inFlight, "/first/x"));

        replace(FILE.formatted("second", "/second/**"));
        await(() -> "second".equals(route(state.current(), "/second/x")), "the edited route is in force");
        assertNull(route(state.current(), "/first/x"));
        // A request that took its snapshot before the swap finishes on the old table.
        assertEquals("first", route(inFlight, "/first/x"));
        assertNull(route(inFlight, "/second/x"));
    }

    @Test
    void invalidEdit_thenRefusedAndTheTableInForceStays_untilAValidEdit() throws IOException {
        GatewayState state = context.getBean(GatewayState.class);
        DefinitionFileWatcher watcher = context.getBean(DefinitionFileWatcher.class);
        long version = state.current().table().version();

        replace(FILE.formatted("broken", "no-leading-slash").replace("upstream: one", "upstream: nowhere"));
        await(() -> watcher.refused() == 1, "the invalid edit is seen and refused");
        assertEquals(version, state.current().table().version());
        assertEquals("first", route(state.current(), "/first/x"));

        replace("routes: [ {id: unclosed");
        await(() -> watcher.refused() == 2, "a YAML syntax error is refused too");
        assertEquals("first", route(state.current(), "/first/x"));

        replace(FILE.formatted("fixed", "/fixed/**"));
        await(() -> "fixed".equals(route(state.current(), "/fixed/x")), "the next valid edit is in force");
        assertEquals(2, watcher.refused());
    }

    @Test
    void invalidFile_thenMessageNamesFileAndFieldPath() throws IOException {
        Files.writeString(file, FILE.formatted("broken", "/b/**").replace("upstream: one", "upstream: nowhere"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.gatehouse.config.DefinitionException.class,
            () -> context.getBean(GatewayState.class).validate());
        assertTrue(e.getMessage().contains(file.toAbsolutePath().normalize() + ": routes[0].upstream: unknown upstream 'nowhere'"),
            e.getMessage());
    }

    @Test
    void watchSwitchedOff_thenNoWatcher() {
        try (ApplicationContext off = ApplicationContext.run(Map.of(
            "gateway.config-file", file.toString(),
            "gateway.definition.watch", false,
            "datasources.default.url", "jdbc:h2:mem:watch_off_" + UUID.randomUUID().toString().replace("-", "")))) {
            assertFalse(off.containsBean(DefinitionFileWatcher.class));
        }
    }

    /** Writes beside the file and renames over it, as editors and ConfigMap updates do. */
    private void replace(String content) throws IOException {
        Path next = dir.resolve("gatehouse.yml.tmp");
        Files.writeString(next, content);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String route(GatewayState.Snapshot snapshot, String path) {
        RouteMatch match = snapshot.table().match(TestRequest.get(path));
        return match == null ? null : match.route().id();
    }

    private static void await(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + DEADLINE.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
