package io.gatehouse.container.server;

import io.gatehouse.container.proxy.RawHttp;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway running out of file descriptors, on the streaming engine and on the buffered one
 * ({@code gateway.proxy.streaming.enabled: false}): the packaged jar ({@code target/gatehouse-container.jar},
 * run by failsafe after packaging) under {@code ulimit -n 256}, its connection limit set out of the
 * way, with requests held in flight at an {@link EchoUpstream} ({@code /hold}) until the process
 * has exactly one descriptor free (counted in {@code /proc/<pid>/fd}). Each further proxied request
 * is accepted with that last descriptor, and {@code socket()} for the upstream fails with
 * {@code EMFILE}: the client must get 503 {@code overloaded} with {@code Retry-After}, more times
 * than the outlier detection's five consecutive failures; the log must say
 * {@code open-file limit reached} exactly once; {@code /v1/health} must show {@code open-files}
 * degraded; and once descriptors are free again, a plain request to the same target must succeed
 * (it was never ejected). With the default connection limit instead, held requests are refused
 * with 503 {@code overloaded} ({@code max_connections}) before the descriptors run out.
 */
class OpenFilesIT {

    private static final int LIMIT = 256;
    private static final int OVERLOADED_REQUESTS = 7;
    private static final JsonMapper JSON = JsonMapper.createDefault();

    @ParameterizedTest(name = "streaming engine: {0}")
    @ValueSource(booleans = {true, false})
    void descriptorsExhausted_then503OverloadedAndTargetNotEjected(boolean streaming) throws Exception {
        String jar = PackagedGateway.jar();
        int port = TestUpstream.freePort();
        Path config = Files.createTempFile("gatehouse-open-files", ".yml");
        Path log = Files.createTempFile("gatehouse-open-files", ".log");
        List<RawHttp> held = new ArrayList<>();
        List<Socket> idle = new ArrayList<>();
        try (EchoUpstream upstream = EchoUpstream.start("only")) {
            Files.writeString(config, """
                upstreams:
                  up: { targets: [ "%s" ] }
                routes:
                  - { id: up, match: { path: "/up/**" }, upstream: up, strip-prefix: true }
                """.formatted(upstream.url()));
            // Without the streaming engine, routes take the buffered engine (Micronaut's HTTP client).
            Process gateway = launch(jar, port, config, log, "-Dgateway.server.max-connections=100000",
                "-Dgateway.proxy.streaming.enabled=" + streaming);
            try {
                PackagedGateway.awaitReady(port, gateway, log);
                Path fds = Path.of("/proc", String.valueOf(gateway.pid()), "fd");
                // Fill the descriptors up to one free: held requests take two (client and upstream), an
                // idle connection one, to land on the exact count.
                for (int step = 0; step < LIMIT; step++) {
                    long open = count(fds);
                    long free = LIMIT - open;
                    if (free <= 1) {
                        break;
                    }
                    if (free >= 3) {
                        RawHttp raw = new RawHttp(port);
                        held.add(raw);
                        raw.send("GET /up/hold HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                        int expected = held.size();
                        await(() -> upstream.held() >= expected, "request " + expected + " held at the upstream", log);
                    } else {
                        idle.add(new Socket("127.0.0.1", port));
                        await(() -> count(fds) > open, "an idle connection accepted", log);
                    }
                }
                assertEquals(LIMIT - 1, count(fds), "one descriptor left");

                for (int i = 0; i < OVERLOADED_REQUESTS; i++) {
                    try (RawHttp raw = new RawHttp(port)) {
                        // Connection: close, so that the descriptor comes back on either engine.
                        raw.send("GET /up/hold HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n");
                        RawHttp.Response response = raw.read();
                        assertEquals(503, response.status(), response.body() + "\n" + Files.readString(log));
                        JsonNode error = JSON.readValue(response.body(), JsonNode.class).get("error");
                        assertEquals("overloaded", error.get("code").getStringValue());
                        assertEquals("open_file_limit", error.get("details").get("reason").getStringValue());
                        assertEquals("1", response.header("retry-after"));
                        assertTrue(raw.closedByServer(), "the overloaded connection is closed");
                    }
                }
                assertEquals(1, Files.readAllLines(log).stream().filter(l -> l.contains("open-file limit reached")).count(),
                    "logged once per episode:\n" + Files.readString(log));

                // Free some descriptors: the health report shows the episode. (The buffered engine keeps
                // a call to the upstream going when its client leaves, so only the client's is freed there.)
                for (int i = 0; i < 20; i++) {
                    held.removeLast().close();
                }
                await(() -> count(fds) <= LIMIT - 15, "descriptors freed", log);
                try (RawHttp raw = new RawHttp(port)) {
                    raw.send("GET /v1/health HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                    RawHttp.Response health = raw.read();
                    JsonNode check = JSON.readValue(health.body(), JsonNode.class).get("checks").get("open-files");
                    assertEquals("degraded", check.get("status").getStringValue(), health.body());
                    assertEquals(LIMIT, check.get("details").get("limit").getIntValue(), health.body());
                    assertEquals("open_file_limit", check.get("details").get("reason").getStringValue(), health.body());
                    assertTrue(check.get("details").get("open").getLongValue() > 0, health.body());
                }

                // Everything free again: the same target answers a plain GET, it was never ejected.
                for (RawHttp raw : held) {
                    raw.close();
                }
                held.clear();
                upstream.releaseHeld();
                await(() -> count(fds) <= LIMIT - 20, "descriptors freed", log);
                try (RawHttp raw = new RawHttp(port)) {
                    raw.send("GET /up/plain HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                    RawHttp.Response plain = raw.read();
                    assertEquals(200, plain.status(), plain.body());
                    raw.send("GET /v1/services HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                    RawHttp.Response services = raw.read();
                    assertTrue(!services.body().contains("ejected"), services.body());
                }
                assertTrue(gateway.isAlive(), "the gateway died:\n" + Files.readString(log));
            } finally {
                for (RawHttp raw : held) {
                    raw.close();
                }
                for (Socket socket : idle) {
                    socket.close();
                }
                gateway.destroy();
                if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                    gateway.destroyForcibly();
                }
            }
        } finally {
            Files.deleteIfExists(config);
        }
    }

    @Test
    void defaultConnectionLimit_refusesCleanlyBeforeDescriptorsRunOut() throws Exception {
        String jar = PackagedGateway.jar();
        int port = TestUpstream.freePort();
        Path config = Files.createTempFile("gatehouse-open-files", ".yml");
        Path log = Files.createTempFile("gatehouse-open-files", ".log");
        List<RawHttp> held = new ArrayList<>();
        try (EchoUpstream upstream = EchoUpstream.start("only")) {
            Files.writeString(config, """
                upstreams:
                  up: { targets: [ "%s" ] }
                routes:
                  - { id: up, match: { path: "/up/**" }, upstream: up, strip-prefix: true }
                """.formatted(upstream.url()));
            Process gateway = launch(jar, port, config, log);
            try {
                PackagedGateway.awaitReady(port, gateway, log);
                // Hold proxied requests (two descriptors each) until the gateway refuses one: with the
                // default limit that is the connection limit, never the open-file limit.
                RawHttp.Response refused = null;
                for (int i = 0; i < LIMIT && refused == null; i++) {
                    RawHttp raw = new RawHttp(port);
                    held.add(raw);
                    raw.send("GET /up/hold HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                    int expected = held.size();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (upstream.held() < expected && raw.available() == 0 && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    if (raw.available() > 0) {
                        refused = raw.read();
                    } else {
                        assertEquals(expected, upstream.held(), "request " + expected + " neither held nor answered:\n"
                            + Files.readString(log));
                    }
                }
                assertTrue(refused != null, "no connection was refused");
                assertEquals(503, refused.status(), refused.body());
                JsonNode error = JSON.readValue(refused.body(), JsonNode.class).get("error");
                assertEquals("overloaded", error.get("code").getStringValue());
                assertEquals("max_connections", error.get("details").get("reason").getStringValue());
                assertEquals("1", refused.header("retry-after"));
                String output = Files.readString(log);
                assertTrue(output.contains("Client connections limited to"), output);
                assertTrue(!output.contains("open-file limit reached"), "descriptors never ran out:\n" + output);
                // The gateway endpoints still answer on a connection freed by closing a held one.
                held.removeLast().close();
                held.removeLast().close();
                RawHttp.Response ping = null;
                for (int attempt = 0; attempt < 50 && (ping == null || ping.status() != 200); attempt++) {
                    try (RawHttp raw = new RawHttp(port)) {
                        raw.send("GET /ping HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                        ping = raw.read();
                    }
                    Thread.sleep(100);
                }
                assertEquals(200, ping.status(), ping.body());
            } finally {
                for (RawHttp raw : held) {
                    raw.close();
                }
                upstream.releaseHeld();
                gateway.destroy();
                if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                    gateway.destroyForcibly();
                }
            }
        } finally {
            Files.deleteIfExists(config);
        }
    }

    /** The packaged gateway under {@code ulimit -n} {@value #LIMIT}, its output in {@code log}. */
    private static Process launch(String jar, int port, Path config, Path log, String... properties) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + LIMIT + " && exec \"$0\" \"$@\"",
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
            "-Dgateway.definition.watch=false"));
        command.addAll(List.of(properties));
        command.addAll(List.of("-jar", jar));
        ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().put("GATEHOUSE_CONFIG", config.toString());
        builder.environment().put("MICRONAUT_SERVER_PORT", String.valueOf(port));
        builder.environment().put("GATEHOUSE_HOST", "127.0.0.1");
        return builder.start();
    }

    private static long count(Path fds) {
        try (Stream<Path> entries = Files.list(fds)) {
            return entries.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("not reached within 10 s: " + what + "\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }
}
