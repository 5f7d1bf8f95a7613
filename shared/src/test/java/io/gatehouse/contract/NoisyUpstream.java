package io.gatehouse.contract;

import com.sun.net.httpserver.HttpExchange;
import io.gatehouse.testing.TestUpstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real loopback upstream for the response-header suites: every answer carries the headers an
 * upstream might send that the gateway's policies replace, merge or remove — its own CORS headers,
 * {@code Vary}, a {@code Server} and {@code X-Powered-By} naming versions, {@code X-Frame-Options}
 * and a {@code Content-Security-Policy}. A path containing {@code /fail} answers 500. It records the
 * method and body size of every request it receives.
 */
public final class NoisyUpstream implements AutoCloseable {

    /** The upstream's own {@code Server}. */
    public static final String SERVER = "nginx/1.2.3";
    /** The upstream's own {@code X-Powered-By}. */
    public static final String POWERED_BY = "PHP/7.4.3";
    /** The upstream's own {@code X-Frame-Options}. */
    public static final String FRAME_OPTIONS = "SAMEORIGIN";
    /** The upstream's own {@code Content-Security-Policy}. */
    public static final String CSP = "script-src 'self'";

    private final TestUpstream upstream;
    private final List<String> received = new CopyOnWriteArrayList<>();

    /**
     * @param prefixes the path prefixes it answers under (each counted)
     */
    public NoisyUpstream(String... prefixes) {
        this.upstream = TestUpstream.start();
        for (String prefix : prefixes) {
            upstream.handle(prefix, this::answer);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        long size;
        try (InputStream body = exchange.getRequestBody()) {
            size = body.transferTo(OutputStreamSink.INSTANCE);
        }
        received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " " + size);
        var headers = exchange.getResponseHeaders();
        headers.add("Access-Control-Allow-Origin", "*");
        headers.add("Access-Control-Allow-Methods", "TRACE");
        headers.add("Access-Control-Expose-Headers", "X-Upstream-Secret");
        headers.add("Vary", "Accept-Encoding");
        headers.add("Server", SERVER);
        headers.add("X-Powered-By", POWERED_BY);
        headers.add("X-Frame-Options", FRAME_OPTIONS);
        headers.add("Content-Security-Policy", CSP);
        headers.add("Content-Type", "text/plain; charset=utf-8");
        int status = exchange.getRequestURI().getRawPath().contains("/fail") ? 500 : 200;
        byte[] bytes = ("upstream " + status).getBytes(StandardCharsets.UTF_8);
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    /**
     * @return the base URL
     */
    public String url() {
        return upstream.url();
    }

    /**
     * @return how many requests it received
     */
    public int requests() {
        return received.size();
    }

    /**
     * @return each request received, as {@code METHOD /path bodySize}, in order
     */
    public List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        upstream.close();
    }

    /** Counts and drops what it is given. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
