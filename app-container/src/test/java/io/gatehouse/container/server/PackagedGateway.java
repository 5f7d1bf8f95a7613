package io.gatehouse.container.server;

import io.gatehouse.container.proxy.RawHttp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The packaged container jar, for the ITs that run it in a JVM of their own.
 */
final class PackagedGateway {

    private static final Duration STARTUP = Duration.ofSeconds(90);

    private PackagedGateway() {
    }

    /**
     * @return the jar failsafe names ({@code gatehouse.container.jar}), checked to exist
     */
    static String jar() {
        String jar = System.getProperty("gatehouse.container.jar", "target/gatehouse-container.jar");
        assertTrue(Files.isRegularFile(Path.of(jar)), "run after packaging: " + jar + " is missing");
        return jar;
    }

    /**
     * Waits until {@code GET /ping} answers 200, failing with the log when the process exits or
     * does not start in time.
     */
    static void awaitReady(int port, Process gateway, Path log) throws Exception {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                fail("the gateway exited with " + gateway.exitValue() + ":\n" + Files.readString(log));
            }
            try (RawHttp raw = new RawHttp(port)) {
                raw.send("GET /ping HTTP/1.1\r\nHost: gw.test\r\n\r\n");
                if (raw.read().status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail("the gateway did not start within " + STARTUP + ":\n" + Files.readString(log));
    }
}
