package io.gatehouse.container.proxy;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.testing.TestUpstream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A 1 GiB upload streams through the container with a bounded heap: the packaged jar
 * ({@code app-container/target/gatehouse-container.jar}, so this test needs {@code mvn package}
 * first; failsafe runs it after packaging) starts in a JVM of its own with {@code -Xmx128m} and a
 * generated {@code gatehouse.yml} (named by {@code GATEHOUSE_CONFIG}) routing to a counting
 * upstream; the upstream must receive exactly the bytes sent, with the same CRC-32, and the
 * gateway must still be healthy afterwards.
 */
class StreamingUploadIT {

    private static final long SIZE = 1L << 30;
    private static final Duration STARTUP = Duration.ofSeconds(90);

    @Test
    void oneGibibyteUpload_streamsThroughA128MegabyteHeap() throws Exception {
        String jar = System.getProperty("gatehouse.container.jar", "target/gatehouse-container.jar");
        assertTrue(Files.isRegularFile(Path.of(jar)), "run after packaging: " + jar + " is missing");
        long[] received = new long[2];
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/upload", exchange -> {
            CRC32 crc = new CRC32();
            long count = 0;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    crc.update(buffer, 0, n);
                    count += n;
                }
            }
            received[0] = count;
            received[1] = crc.getValue();
            byte[] body = (count + " " + crc.getValue()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        int port = TestUpstream.freePort();
        Path config = Files.createTempFile("gatehouse-upload", ".yml");
        Files.writeString(config, """
            upstreams:
              sink: { targets: [ "http://127.0.0.1:%d" ] }
            routes:
              - { id: upload, match: { path: "/files/**" }, upstream: sink, strip-prefix: true, streaming: true }
            """.formatted(upstream.getAddress().getPort()));
        Path log = Files.createTempFile("gatehouse-upload", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m", "-jar", jar)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().put("GATEHOUSE_CONFIG", config.toString());
        builder.environment().put("MICRONAUT_SERVER_PORT", String.valueOf(port));
        builder.environment().put("GATEHOUSE_HOST", "127.0.0.1");
        // 1 GiB is over the default request body limit (10 MiB); a user streaming large uploads raises it.
        builder.environment().put("GATEWAY_PROXY_MAX_REQUEST_BODY", String.valueOf(2L * 1024 * 1024 * 1024));
        Process gateway = builder.start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
        try {
            awaitReady(client, port, gateway, log);
            CRC32 sent = new CRC32();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/upload"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedStream(SIZE, sent)))
                    .timeout(Duration.ofMinutes(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body() + "\n" + Files.readString(log));
            assertEquals(SIZE, received[0]);
            assertEquals(sent.getValue(), received[1]);
            assertEquals(SIZE + " " + sent.getValue(), response.body());
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(gateway.isAlive(), "the gateway died:\n" + Files.readString(log));
        } finally {
            gateway.destroy();
            if (!gateway.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
            upstream.stop(0);
            Files.deleteIfExists(config);
        }
    }

    private static void awaitReady(HttpClient client, int port, Process gateway, Path log) throws Exception {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                fail("the gateway exited with " + gateway.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> ping = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (ping.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail("the gateway did not start within " + STARTUP + ":\n" + Files.readString(log));
    }

    /** Deterministic pseudo-random bytes, checksummed as they are read. */
    private static final class GeneratedStream extends InputStream {
        private final long size;
        private final CRC32 crc;
        private long position;
        private long state = 0x9E3779B97F4A7C15L;

        GeneratedStream(long size, CRC32 crc) {
            this.size = size;
            this.crc = crc;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                b[off + i] = (byte) state;
            }
            crc.update(b, off, n);
            position += n;
            return n;
        }
    }
}
