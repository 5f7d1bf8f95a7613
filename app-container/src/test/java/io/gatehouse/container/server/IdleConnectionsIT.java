package io.gatehouse.container.server;

import io.gatehouse.testing.TestUpstream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What idle keep-alive connections cost: the packaged jar in a JVM of its own, 10,000 connections
 * that each made one request ({@code GET /ping}) and stay open, and the heap in use after a full
 * GC ({@code jcmd <pid> GC.run}, then {@code GC.heap_info}) compared with the same reading before
 * they were opened. The increase must stay within 200 MiB; the figure is printed for
 * docs/reliability.md.
 */
class IdleConnectionsIT {

    private static final int CONNECTIONS = 10_000;
    private static final long BUDGET = 200L * 1024 * 1024;
    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final byte[] PING = "GET /ping HTTP/1.1\r\nHost: gw.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void tenThousandIdleConnections_costAtMost200MebibytesOfHeap() throws Exception {
        String jar = PackagedGateway.jar();
        int port = TestUpstream.freePort();
        Path log = Files.createTempFile("gatehouse-idle", ".log");
        String bin = Path.of(System.getProperty("java.home"), "bin").toString();
        ProcessBuilder builder = new ProcessBuilder(bin + "/java", "-Xmx1g", "-XX:+UseG1GC",
            "-Dgateway.server.max-connections=" + (CONNECTIONS + 100), "-jar", jar)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().put("MICRONAUT_SERVER_PORT", String.valueOf(port));
        builder.environment().put("GATEHOUSE_HOST", "127.0.0.1");
        builder.environment().remove("GATEHOUSE_CONFIG");
        Process gateway = builder.start();
        List<Socket> sockets = new ArrayList<>(CONNECTIONS);
        try {
            PackagedGateway.awaitReady(port, gateway, log);
            // Warm up the path a connection takes, so that the baseline holds what is loaded once.
            for (int i = 0; i < 200; i++) {
                try (Socket socket = ping(port)) {
                    assertTrue(socket.isConnected());
                }
            }
            long before = heapUsedAfterGc(bin, gateway.pid());
            for (int i = 0; i < CONNECTIONS; i++) {
                sockets.add(ping(port));
            }
            long after = heapUsedAfterGc(bin, gateway.pid());
            long cost = after - before;
            System.out.printf("%d idle connections: heap %d KiB -> %d KiB after GC, %d KiB more (%d bytes each)%n",
                CONNECTIONS, before / 1024, after / 1024, cost / 1024, cost / CONNECTIONS);
            assertTrue(cost <= BUDGET, "idle connections cost " + cost / 1024 / 1024 + " MiB of heap");
            // Every connection is still open and served.
            Socket last = sockets.getLast();
            last.getOutputStream().write(PING);
            assertEquals(200, status(last.getInputStream()));
            assertTrue(gateway.isAlive(), "the gateway died:\n" + Files.readString(log));
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
            gateway.destroy();
            if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
    }

    /** A connection that made one request and read its answer, left open. */
    private static Socket ping(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(PING);
        assertEquals(200, status(socket.getInputStream()));
        return socket;
    }

    /** Reads one response with a Content-Length body, returns its status. */
    private static int status(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after: " + head);
            }
            head.append((char) c);
        }
        String text = head.toString();
        Matcher length = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(text);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return Integer.parseInt(text.substring(9, 12));
    }

    private static long heapUsedAfterGc(String bin, long pid) throws Exception {
        run(bin + "/jcmd", String.valueOf(pid), "GC.run");
        String info = run(bin + "/jcmd", String.valueOf(pid), "GC.heap_info");
        Matcher used = USED.matcher(info);
        assertTrue(used.find(), info);
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
