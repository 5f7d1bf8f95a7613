package io.gatehouse.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback standing in for an upstream service. By default every path
 * answers 200 {@code upstream ok}; tests add handlers for the paths they need.
 */
public final class TestUpstream implements AutoCloseable {

    /** The sockets holding the closed ports, for as long as the JVM runs. */
    private static final List<Socket> CLOSED_PORTS = new CopyOnWriteArrayList<>();


    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    private TestUpstream(HttpServer server) {
        this.server = server;
    }

    /**
     * @return a started upstream on an ephemeral loopback port
     */
    public static TestUpstream start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            TestUpstream upstream = new TestUpstream(server);
            server.createContext("/", exchange -> upstream.respond(exchange, 200, "upstream ok"));
            server.start();
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param path    the path prefix
     * @param handler what answers under it
     * @return this upstream
     */
    public TestUpstream handle(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            requests.incrementAndGet();
            handler.handle(exchange);
        });
        return this;
    }

    /**
     * @return the base URL, such as {@code http://127.0.0.1:41234}
     */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * @return how many requests the custom handlers received
     */
    public int requests() {
        return requests.get();
    }

    /**
     * @return a loopback port on which nothing listens, and nothing will while the tests run: a
     *         socket of this JVM holds it bound without listening, so a connection to it is refused
     *         and no server started later (a gateway on an ephemeral port, say) can be handed it.
     *         Binding and releasing a port left it free for the next server to take, which then
     *         answered as the "closed" target.
     */
    public static int closedPort() {
        try {
            Socket holder = new Socket();
            holder.setReuseAddress(false);
            holder.bind(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            CLOSED_PORTS.add(holder);
            return holder.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return a loopback port free now, for a server a test is about to start on it (bound, then
     *         released: unlike {@link #closedPort()}, nothing holds it)
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void respond(HttpExchange exchange, int status, String body) throws IOException {
        requests.incrementAndGet();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
