package io.gatehouse.definition;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.config.DefinitionException;
import io.gatehouse.identity.Secrets;
import io.gatehouse.identity.apikey.ApiKeyPrincipal;
import io.gatehouse.identity.apikey.ApiKeys;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.testing.TestRequest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A change of the definition is all or nothing: routes, upstreams, consumers and plans move
 * together under one new version, or nothing moves and the log names the problem.
 */
class GatewayStateTest {

    static final String SPEC = "GatewayStateTest";

    private static final String KEY_BEFORE = "gh_before_" + "a".repeat(32);
    private static final String KEY_AFTER = "gh_after_" + "b".repeat(32);

    /** The definition in force before every edit: one route, one upstream, one consumer, one plan. */
    private static final String BEFORE = """
        upstreams:
          one:
            targets: [http://127.0.0.1:9]
        routes:
          - id: before
            match: { path: /before/** }
            upstream: one
            limits: [ { plan: gold } ]
        consumers:
          alice:
            groups: [partners]
            keys:
              - id: before
                sha256: %s
        plans:
          gold: { limits: [ { requests: 100, per: minute } ] }
        """.formatted(Secrets.sha256(KEY_BEFORE));

    /** A good edit that changes every part at once. */
    private static final String AFTER = """
        upstreams:
          one:
            targets: [http://127.0.0.1:10]
        routes:
          - id: after
            match: { path: /after/** }
            upstream: one
        consumers:
          bob:
            groups: [staff]
            keys:
              - id: after
                sha256: %s
        plans:
          silver: { limits: [ { requests: 10, per: second } ] }
        """.formatted(Secrets.sha256(KEY_AFTER));

    @TempDir
    Path dir;
    private Path file;
    private ApplicationContext context;
    private ListAppender<ILoggingEvent> log;

    @AfterEach
    void stop() {
        if (log != null) {
            ((Logger) LoggerFactory.getLogger(GatewayState.class)).detachAppender(log);
        }
        if (context != null) {
            context.close();
        }
    }

    static Stream<Arguments> badEdits() {
        // Each edit also moves the route, the upstream's target and the consumer's key, so a half-applied change shows.
        String moved = AFTER;
        return Stream.of(
            Arguments.of("a consumer's key is not a SHA-256", moved.replace("sha256: " + Secrets.sha256(KEY_AFTER), "sha256: not-hex"),
                "consumers.bob.keys[0].sha256: must be 64 hex digits"),
            Arguments.of("a consumer has an unknown field", moved.replace("groups: [staff]", "groups: [staff]\n    tier: silver"),
                "consumers.bob.tier: unknown field"),
            Arguments.of("a consumer's plan is not defined", moved.replace("groups: [staff]", "groups: [staff]\n    plan: gold"),
                "consumers.bob.plan: unknown plan 'gold' (defined: silver)"),
            Arguments.of("a plan's window is unknown", moved.replace("per: second", "per: fortnight"),
                "plans.silver.limits[0].per: must be one of second, minute, hour, day, not 'fortnight'"),
            Arguments.of("a consumer's group is malformed", moved.replace("groups: [staff]", "groups: ['no spaces']"),
                "consumers.bob.groups[0]: group must be"),
            Arguments.of("a plan is not a map", moved.replace("silver: { limits: [ { requests: 10, per: second } ] }", "silver: 100"),
                "plans.silver: a plan must be a map"),
            Arguments.of("a route's limits names no defined plan", moved.replace("upstream: one\n", "upstream: one\n    limits: [ { plan: gold } ]\n"),
                "routes[0].limits[0].plan: unknown plan 'gold' (defined: silver)"),
            Arguments.of("an upstream's target is not a URL", moved.replace("http://127.0.0.1:10", "127.0.0.1:10"),
                "upstreams.one.targets[0]: is not a valid URL"),
            Arguments.of("a route's auth mode is unknown", moved.replace("upstream: one\n", "upstream: one\n    auth: magic\n"),
                "routes[0].auth"),
            Arguments.of("the file is not YAML", "routes: [ {id: unclosed", "not valid YAML"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEdits")
    void badEdit_thenNothingChanges_andTheLogNamesTheProblem(String name, String edit, String problem) {
        start(Map.of());
        GatewayState state = context.getBean(GatewayState.class);
        GatewayState.Snapshot before = state.current();

        write(edit);
        DefinitionException refused = assertThrows(DefinitionException.class, state::reload);

        assertTrue(refused.getMessage().contains(problem), refused.getMessage());
        assertUnchanged(state, before);
        String logged = log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("refused"))
            .findFirst().orElseThrow(() -> new AssertionError("nothing logged: " + log.list));
        assertTrue(logged.contains("nothing changed") && logged.contains(problem), logged);
    }

    @Test
    void badConsumersEditedInTheWatchedFile_thenRefusedAndRoutesConsumersUpstreamsStay() {
        start(Map.of("gateway.definition.watch", true, "gateway.definition.watch-interval", "50ms"));
        GatewayState state = context.getBean(GatewayState.class);
        DefinitionFileWatcher watcher = context.getBean(DefinitionFileWatcher.class);
        GatewayState.Snapshot before = state.current();

        write(AFTER.replace("sha256: " + Secrets.sha256(KEY_AFTER), "sha256: 1234"));
        await(() -> watcher.refused() == 1);

        assertUnchanged(state, before);
        assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("consumers.bob.keys[0].sha256")), log.list.toString());
        assertTrue(log.list.stream().noneMatch(e -> e.getFormattedMessage().contains("Declared consumers not changed")));
    }

    @Test
    void goodEdit_thenRoutesUpstreamsConsumersAndPlansChangeInOneVersion() {
        start(Map.of());
        GatewayState state = context.getBean(GatewayState.class);
        ApiKeys keys = context.getBean(ApiKeys.class);
        long version = state.current().table().version();

        write(AFTER);
        GatewayState.Snapshot after = state.reload();

        assertEquals(version + 1, after.table().version());
        assertEquals(after, state.current());
        assertEquals("after", route(after, "/after/x"));
        assertEquals(null, route(after, "/before/x"));
        assertEquals("http://127.0.0.1:10", after.upstreams().get("one").targets().getFirst().url().toString());
        assertEquals(Optional.empty(), keys.lookup(KEY_BEFORE));
        assertEquals("bob", keys.lookup(KEY_AFTER).map(ApiKeyPrincipal::consumer).orElseThrow());
        assertEquals(List.of("silver"), List.copyOf(after.definition().plans().keySet()));
        assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().equals(
            "Route table v" + (version + 1) + " in force: 1 routes, 1 upstreams, 1 consumers, 1 plans")), log.list.toString());
    }

    @Test
    void participantFailsToPrepare_thenNothingChanges_andTheNextGoodEditApplies() {
        start(Map.of("spec.name", SPEC));
        GatewayState state = context.getBean(GatewayState.class);
        FailingParticipant participant = context.getBean(FailingParticipant.class);
        GatewayState.Snapshot before = state.current();

        participant.failing.set(true);
        write(AFTER);
        DefinitionException refused = assertThrows(DefinitionException.class, state::reload);
        assertTrue(refused.getMessage().contains("FailingParticipant: could not take the change")
            && refused.getMessage().contains("the store is down"), refused.getMessage());
        assertUnchanged(state, before);
        assertEquals("prepared 1 routes", state.current().part(FailingParticipant.class));

        participant.failing.set(false);
        GatewayState.Snapshot after = state.reload();
        assertEquals("after", route(after, "/after/x"));
        assertEquals("bob", context.getBean(ApiKeys.class).lookup(KEY_AFTER).map(ApiKeyPrincipal::consumer).orElseThrow());
        assertEquals("prepared 1 routes", after.part(FailingParticipant.class));
    }

    private void assertUnchanged(GatewayState state, GatewayState.Snapshot before) {
        ApiKeys keys = context.getBean(ApiKeys.class);
        GatewayState.Snapshot now = state.current();
        assertEquals(before, now, "the snapshot in force is the one before the edit");
        assertEquals(before.table().version(), now.table().version());
        assertEquals("before", route(now, "/before/x"));
        assertEquals(null, route(now, "/after/x"));
        assertEquals("http://127.0.0.1:9", now.upstreams().get("one").targets().getFirst().url().toString());
        assertEquals("alice", keys.lookup(KEY_BEFORE).map(ApiKeyPrincipal::consumer).orElseThrow());
        assertEquals(Optional.empty(), keys.lookup(KEY_AFTER));
        assertEquals(List.of("gold"), List.copyOf(now.definition().plans().keySet()));
    }

    private void start(Map<String, Object> extra) {
        write(BEFORE);
        Map<String, Object> properties = new HashMap<>();
        properties.put("gateway.config-file", file.toString());
        properties.put("gateway.definition.watch", false);
        properties.put("datasources.default.url", "jdbc:h2:mem:state_" + UUID.randomUUID().toString().replace("-", "")
            + ";DB_CLOSE_DELAY=-1");
        properties.putAll(extra);
        log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(GatewayState.class)).addAppender(log);
        context = ApplicationContext.run(properties);
    }

    /** Writes beside the file and renames over it, as editors and ConfigMap updates do. */
    private void write(String content) {
        try {
            if (file == null) {
                file = dir.resolve("gatehouse.yml");
            }
            Path next = dir.resolve("gatehouse.yml.tmp");
            Files.writeString(next, content);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String route(GatewayState.Snapshot snapshot, String path) {
        RouteMatch match = snapshot.table().match(TestRequest.get(path));
        return match == null ? null : match.route().id();
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 5 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A participant whose preparation fails on demand, as one doing I/O against a store that is down would. */
    @Singleton
    @Requires(property = "spec.name", value = SPEC)
    static final class FailingParticipant implements DefinitionParticipant<String> {

        final AtomicBoolean failing = new AtomicBoolean();

        @Override
        public String prepare(GatewayDefinition definition) {
            if (failing.get()) {
                throw new UncheckedIOException(new IOException("the store is down"));
            }
            return "prepared " + definition.routes().size() + " routes";
        }
    }
}
