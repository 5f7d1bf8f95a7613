package io.gatehouse.container.server;

import io.gatehouse.container.proxy.RawHttp;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.TestUpstream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SIGTERM to the packaged gateway ({@code target/gatehouse-container.jar} in a JVM of its own) with
 * proxied requests in flight, on the streaming engine and on the buffered one: three requests
 * held at an {@link EchoUpstream} ({@code /hold}) and an idle keep-alive connection. After SIGTERM
 * the gateway must log readiness down before it stops accepting, refuse new connections and close
 * the idle one while the held requests are still in flight; once the upstream answers, every held
 * request gets its 200 (with {@code Connection: close}) and the process exits on its own, logging
 * that every connection closed. Nothing waits on a clock: the grace period is longer than the test,
 * and each step waits for the event before it. The readiness probe's answers are
 * {@code ProbesTest}'s.
 */
class GracefulDrainIT {

    private static final int HELD = 3;

    @ParameterizedTest(name = "streaming engine: {0}")
    @ValueSource(booleans = {true, false})
    void sigterm_answersRequestsInFlightAndRefusesNewConnections(boolean streaming) throws Exception {
        String jar = PackagedGateway.jar();
        int port = TestUpstream.freePort();
        Path config = Files.createTempFile("gatehouse-drain", ".yml");
        Path log = Files.createTempFile("gatehouse-drain", ".log");
        List<RawHttp> held = new ArrayList<>();
        try (EchoUpstream upstream = EchoUpstream.start("slow")) {
            Files.writeString(config, """
                upstreams:
                  up: { targets: [ "%s" ] }
                routes:
                  - { id: up, match: { path: "/up/**" }, upstream: up, strip-prefix: true, timeouts: { response: 120s } }
                """.formatted(upstream.url()));
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dgateway.definition.watch=false", "-Dgateway.shutdown.grace-period=120s",
                "-Dgateway.proxy.streaming.enabled=" + streaming, "-jar", jar)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
            builder.environment().put("GATEHOUSE_CONFIG", config.toString());
            builder.environment().put("MICRONAUT_SERVER_PORT", String.valueOf(port));
            builder.environment().put("GATEHOUSE_HOST", "127.0.0.1");
            Process gateway = builder.start();
            try {
                PackagedGateway.awaitReady(port, gateway, log);
                try (RawHttp probe = new RawHttp(port)) {
                    probe.send("GET /v1/health/ready HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n");
                    RawHttp.Response ready = probe.read();
                    assertEquals(200, ready.status(), ready.body());
                    assertEquals("{\"status\":\"ok\"}", ready.body());
                }
                RawHttp idle = new RawHttp(port);
                held.add(idle);
                idle.send("GET /ping HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                assertEquals(200, idle.read().status());
                for (int i = 0; i < HELD; i++) {
                    RawHttp raw = new RawHttp(port);
                    held.add(raw);
                    raw.send("GET /up/hold HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                    int expected = i + 1;
                    await(() -> upstream.held() >= expected, "request " + expected + " held at the upstream", gateway, log);
                }

                gateway.destroy();  // SIGTERM
                await(() -> Files.readString(log).contains("stopped accepting"), "the listener closed", gateway, log);
                assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(),
                    "a new connection is refused while requests are in flight");
                assertTrue(idle.closedByServer(), "the idle keep-alive connection is closed");
                assertTrue(gateway.isAlive(), "the gateway waits for its requests in flight:\n" + Files.readString(log));
                assertEquals(HELD, upstream.held(), "every held request is still in flight");

                upstream.releaseHeld();
                for (int i = 1; i <= HELD; i++) {
                    RawHttp raw = held.get(i);
                    RawHttp.Response response = raw.read();
                    assertEquals(200, response.status(), "held request " + i + ": " + response.body());
                    assertEquals("close", response.header("connection"), "held request " + i + " is told the connection closes");
                    assertTrue(raw.closedByServer(), "held request " + i + "'s connection is closed after its response");
                }
                assertTrue(gateway.waitFor(60, TimeUnit.SECONDS), "the gateway exits once its requests are answered:\n"
                    + Files.readString(log));
                String output = Files.readString(log);
                assertTrue(output.contains("every connection closed"), output);
                assertFalse(output.contains("grace period over"), output);
                assertTrue(output.indexOf("Draining (SIGTERM)") < output.indexOf("stopped accepting"),
                    "readiness goes down before the listener closes:\n" + output);
            } finally {
                for (RawHttp raw : held) {
                    raw.close();
                }
                upstream.releaseHeld();
                if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                    gateway.destroyForcibly();
                }
            }
        } finally {
            Files.deleteIfExists(config);
        }
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    private static void await(Condition condition, String what, Process gateway, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("not reached within 30 s: " + what + " (gateway alive: " + gateway.isAlive() + ")\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }
}
