package io.gatehouse.container.proxy;

import io.gatehouse.testing.TestUpstream;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upstream that stops answering cannot take the gateway down with it: 5,000 requests held open
 * at once against a black-hole upstream (a process of its own that accepts and never answers),
 * with no limit configured for that route, while another route keeps answering; the heap grows
 * with the requests in flight only, every held request gets its 504 at the route's response
 * timeout, and the heap is back where it was afterwards.
 */
class BlackHoleUpstreamTest {

    private static final int HELD = 5_000;
    private static final long MIB = 1024 * 1024;

    @Test
    void fiveThousandRequestsToASilentUpstream_thenOtherRoutesAnswer_heapBounded_every504() throws Exception {
        Process blackHole = startBlackHole();
        try (TestUpstream healthy = TestUpstream.start();
             ProxyGateway gateway = ProxyGateway.start("""
                 upstreams:
                   silent: { targets: [ "http://127.0.0.1:%d" ] }
                   healthy: { targets: [ "%s" ] }
                 routes:
                   - { id: silent, match: { path: "/silent/**" }, upstream: silent, timeouts: { connect: 2s, response: 10s } }
                   - { id: healthy, match: { path: "/healthy/**" }, upstream: healthy }
                 """.formatted(port(blackHole), healthy.url()))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            answer(http, gateway, 200);
            List<Long> before = answer(http, gateway, 100);
            long heapBefore = heapAfterGc();

            try (Selector selector = Selector.open()) {
                List<SocketChannel> held = hold(gateway, selector);
                Thread.sleep(1_000);
                List<Long> during = answer(http, gateway, 100);
                long heapDuring = heapAfterGc();
                Map<String, Integer> statuses = statuses(selector, held, Duration.ofSeconds(40));
                for (SocketChannel channel : held) {
                    channel.close();
                }
                // The keep-alive connections that carried the 504s are closed: let the gateway see them go.
                Thread.sleep(1_000);
                long heapAfter = heapAfterGc();

                assertEquals(Map.of("504", HELD), statuses, "every held request ends with the route's response timeout");
                long p99Before = p99(before);
                long p99During = p99(during);
                System.out.printf("Black hole: %d held; other route p99 %d µs before, %d µs during; heap after GC +%d MiB during, +%d MiB after%n",
                    HELD, p99Before / 1_000, p99During / 1_000, (heapDuring - heapBefore) / MIB, (heapAfter - heapBefore) / MIB);
                assertTrue(p99During < Math.max(10 * p99Before, Duration.ofMillis(250).toNanos()),
                    "the other route keeps answering: p99 " + p99During / 1_000 + " µs with 5,000 held, " + p99Before / 1_000 + " µs before");
                assertTrue(heapDuring - heapBefore < 256 * MIB,
                    "the heap grows with the requests in flight only: +" + (heapDuring - heapBefore) / MIB + " MiB for " + HELD);
                assertTrue(heapAfter - heapBefore < 32 * MIB,
                    "nothing of the held requests stays: +" + (heapAfter - heapBefore) / MIB + " MiB after");
            }
        } finally {
            blackHole.getOutputStream().close();
            blackHole.destroyForcibly();
        }
    }

    /** Sends requests to the healthy route one after the other; each must answer 200. */
    private static List<Long> answer(HttpClient http, ProxyGateway gateway, int count) throws Exception {
        List<Long> nanos = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.uri("/healthy/" + i)).build(),
                HttpResponse.BodyHandlers.ofString());
            nanos.add(System.nanoTime() - start);
            assertEquals(200, response.statusCode(), response.body());
        }
        return nanos;
    }

    private static long p99(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    }

    /** Opens {@value #HELD} connections, each sending one request to the silent route and reading nothing yet. */
    private static List<SocketChannel> hold(ProxyGateway gateway, Selector selector) throws IOException {
        byte[] request = "GET /silent/x HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        List<SocketChannel> held = new ArrayList<>(HELD);
        for (int i = 0; i < HELD; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", gateway.port()));
            channel.write(ByteBuffer.wrap(request));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, new StringBuilder());
            held.add(channel);
        }
        return held;
    }

    /** Reads every held connection's status line, until all have one or the time is up. */
    private static Map<String, Integer> statuses(Selector selector, List<SocketChannel> held, Duration within) throws IOException {
        Map<String, Integer> statuses = new HashMap<>();
        int answered = 0;
        long deadline = System.nanoTime() + within.toNanos();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (answered < held.size() && System.nanoTime() < deadline) {
            selector.select(500);
            for (SelectionKey key : selector.selectedKeys()) {
                SocketChannel channel = (SocketChannel) key.channel();
                StringBuilder head = (StringBuilder) key.attachment();
                buffer.clear();
                int read = channel.read(buffer);
                if (read > 0) {
                    head.append(new String(buffer.array(), 0, read, StandardCharsets.US_ASCII));
                }
                if (head.length() >= 12 || read < 0) {
                    key.cancel();
                    answered++;
                    String status = head.length() >= 12 ? head.substring(9, 12) : "closed";
                    statuses.merge(status, 1, Integer::sum);
                }
            }
            selector.selectedKeys().clear();
        }
        return statuses;
    }

    private static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static Process startBlackHole() throws IOException, URISyntaxException {
        Path source = Path.of(BlackHoleUpstreamTest.class.getResource("/blackhole/BlackHole.java").toURI());
        String java = ProcessHandle.current().info().command().orElseThrow();
        return new ProcessBuilder(java, source.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static int port(Process blackHole) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(blackHole.getInputStream(), StandardCharsets.US_ASCII));
        String line = out.readLine();
        if (line == null) {
            throw new IllegalStateException("the black-hole upstream did not start");
        }
        return Integer.parseInt(line.trim());
    }
}
