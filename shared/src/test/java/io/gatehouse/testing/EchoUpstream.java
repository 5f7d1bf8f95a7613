package io.gatehouse.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback that shows a proxy test what arrived: every path answers 200 with
 * a JSON description of the request (its name, method, raw URI, path, raw query, every header by
 * lower-case name with all values, and the body), except these:
 * <ul>
 *   <li>{@code /status/<code>} answers that status with a small JSON body and {@code X-Upstream};</li>
 *   <li>{@code /hop} answers with hop-by-hop headers ({@code Keep-Alive}, {@code Proxy-Authenticate},
 *       {@code Connection: X-Upstream-Secret} and that header) beside an ordinary {@code X-Kept};</li>
 *   <li>{@code /stall} answers only when the upstream is closed (or after a minute);</li>
 *   <li>{@code /hold} answers only when {@link #releaseHeld()} is called (or the upstream closes),
 *       so a test can keep a request in flight on this target ({@link #held()}); with
 *       {@code ?status=<code>} it then answers that status;</li>
 *   <li>{@code /trickle} answers 200 with its first bytes at once and the rest only when the
 *       upstream is closed, a body that stops half-way;</li>
 *   <li>{@code /healthz} answers the status {@link #health(int)} set (200 at first), for active
 *       health checks; these probes are counted by {@link #probes()}, not {@link #requests()}.</li>
 *   <li>{@code /repeated} answers 200 {@code text/plain} with the headers that must never be merged
 *       carelessly: {@link #SET_COOKIES} (each with an {@code Expires} that contains a comma),
 *       {@link #LINKS} and {@link #VARY}, every one its own header line;</li>
 *   <li>{@code /png} answers 200 {@code image/png} with {@link #PNG}, and {@code /bytes} answers 200
 *       {@code application/pdf} (a type micronaut-aws does not list as binary) with {@link #BYTES}.</li>
 * </ul>
 * Every other request's arrival is recorded ({@link #arrivals()}), so a test can see when retries came,
 * and its answer carries the path that arrived as {@code X-Echo-Path}: a {@code HEAD} request gets
 * the status and headers without a body.
 */
public final class EchoUpstream implements AutoCloseable {

    /** The {@code Set-Cookie} headers {@code /repeated} answers with, in order. */
    public static final List<String> SET_COOKIES = List.of(
        "session=abc; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly",
        "theme=dark; Path=/; Expires=Thu, 22 Oct 2026 07:28:00 GMT");
    /** The {@code Link} headers {@code /repeated} answers with, in order. */
    public static final List<String> LINKS = List.of("</a.css>; rel=preload; as=style", "</b.js>; rel=preload; as=script");
    /** The {@code Vary} headers {@code /repeated} answers with, in order. */
    public static final List<String> VARY = List.of("Accept-Encoding", "Origin");
    /** The bytes {@code /png} answers with: a PNG signature, then every byte value. */
    public static final byte[] PNG = png();
    /** The bytes {@code /bytes} answers with: every byte value, backwards, none of them valid UTF-8 on its own. */
    public static final byte[] BYTES = bytes();

    private static final JsonMapper JSON = JsonMapper.createDefault();

    private static byte[] png() {
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        byte[] out = new byte[signature.length + 256];
        System.arraycopy(signature, 0, out, 0, signature.length);
        for (int i = 0; i < 256; i++) {
            out[signature.length + i] = (byte) i;
        }
        return out;
    }

    private static byte[] bytes() {
        byte[] out = new byte[256];
        for (int i = 0; i < 256; i++) {
            out[i] = (byte) (255 - i);
        }
        return out;
    }

    private final String name;
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger health = new AtomicInteger(200);
    private final AtomicInteger held = new AtomicInteger();
    private final Queue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile CountDownLatch hold = new CountDownLatch(1);

    /**
     * One request as it arrived.
     *
     * @param nanos  {@link System#nanoTime()} on arrival
     * @param method its method
     * @param path   its raw path
     */
    public record Arrival(long nanos, String method, String path) {
    }

    private EchoUpstream(String name, HttpServer server) {
        this.name = name;
        this.server = server;
    }

    /**
     * @param name what the upstream calls itself in every answer
     * @return a started upstream on an ephemeral loopback port
     */
    public static EchoUpstream start(String name) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            EchoUpstream upstream = new EchoUpstream(name, server);
            server.createContext("/", upstream::handle);
            server.start();
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the name it gives in every answer
     */
    public String name() {
        return name;
    }

    /**
     * @return the base URL, such as {@code http://127.0.0.1:41234}
     */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * @return the {@code host:port} the upstream listens on
     */
    public String authority() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * @return how many requests arrived, health probes not included
     */
    public int requests() {
        return requests.get();
    }

    /**
     * @return every request that arrived (health probes not included), oldest first
     */
    public List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    /**
     * @return how many {@code /healthz} probes arrived
     */
    public int probes() {
        return probes.get();
    }

    /**
     * @param status what {@code /healthz} answers from now on
     */
    public void health(int status) {
        health.set(status);
    }

    /**
     * @return how many {@code /hold} requests are waiting now
     */
    public int held() {
        return held.get();
    }

    /**
     * Answers every waiting {@code /hold} request; later ones wait again.
     */
    public void releaseHeld() {
        CountDownLatch released = hold;
        hold = new CountDownLatch(1);
        released.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        if (path.equals("/healthz")) {
            probes.incrementAndGet();
            try (exchange) {
                send(exchange, health.get(), "text/plain", "health of " + name);
            }
            return;
        }
        record(exchange);
        exchange.getResponseHeaders().set("X-Echo-Path", path);
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.startsWith("/status/")) {
                int status = Integer.parseInt(path.substring("/status/".length()));
                exchange.getResponseHeaders().set("X-Upstream", name);
                send(exchange, status, "application/json", "{\"status\":" + status + ",\"from\":\"" + name + "\"}");
                return;
            }
            if (path.equals("/hop")) {
                exchange.getResponseHeaders().set("Keep-Alive", "timeout=5, max=100");
                exchange.getResponseHeaders().set("Proxy-Authenticate", "Basic realm=\"upstream\"");
                exchange.getResponseHeaders().set("Connection", "X-Upstream-Secret");
                exchange.getResponseHeaders().set("X-Upstream-Secret", "hidden");
                exchange.getResponseHeaders().set("X-Kept", "yes");
                send(exchange, 200, "text/plain", "hop");
                return;
            }
            if (path.equals("/repeated")) {
                SET_COOKIES.forEach(c -> exchange.getResponseHeaders().add("Set-Cookie", c));
                LINKS.forEach(l -> exchange.getResponseHeaders().add("Link", l));
                VARY.forEach(v -> exchange.getResponseHeaders().add("Vary", v));
                send(exchange, 200, "text/plain", "repeated");
                return;
            }
            if (path.equals("/png") || path.equals("/bytes")) {
                byte[] bytes = path.equals("/png") ? PNG : BYTES;
                exchange.getResponseHeaders().set("Content-Type", path.equals("/png") ? "image/png" : "application/pdf");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                return;
            }
            if (path.equals("/stall")) {
                await(closing);
                send(exchange, 200, "text/plain", "too late");
                return;
            }
            if (path.equals("/hold")) {
                CountDownLatch latch = hold;
                held.incrementAndGet();
                try {
                    await(latch);
                } finally {
                    held.decrementAndGet();
                }
                String query = exchange.getRequestURI().getRawQuery();
                int status = query != null && query.startsWith("status=") ? Integer.parseInt(query.substring(7)) : 200;
                send(exchange, status, "application/json", describe(exchange, body));
                return;
            }
            if (path.equals("/trickle")) {
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write("first".getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
                await(closing);
                return;
            }
            send(exchange, 200, "application/json", describe(exchange, body));
        }
    }

    private String describe(HttpExchange exchange, byte[] body) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("upstream", name);
        out.put("method", exchange.getRequestMethod());
        out.put("uri", exchange.getRequestURI().toString());
        out.put("path", exchange.getRequestURI().getRawPath());
        out.put("query", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((header, values) -> headers.put(header.toLowerCase(Locale.ROOT), List.copyOf(values)));
        out.put("headers", headers);
        out.put("body", new String(body, StandardCharsets.UTF_8));
        out.put("body_base64", Base64.getEncoder().encodeToString(body));
        return new String(JSON.writeValueAsBytes(out), StandardCharsets.UTF_8);
    }

    private void record(HttpExchange exchange) {
        requests.incrementAndGet();
        arrivals.add(new Arrival(System.nanoTime(), exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    /**
     * Releases stalled requests and stops the server.
     */
    @Override
    public void close() {
        closing.countDown();
        hold.countDown();
        server.stop(0);
    }

    /**
     * @param path    a path prefix
     * @param handler what answers under it instead of the echo
     * @return this upstream
     */
    public EchoUpstream handle(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            record(exchange);
            handler.handle(exchange);
        });
        return this;
    }
}
