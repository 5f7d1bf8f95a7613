package io.gatehouse.testing;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real JWKS endpoint on loopback (JDK HttpServer) serving the public parts of the keys it is
 * given; {@link #publish} swaps them, as an identity provider does when it rotates keys.
 */
public final class JwksServer implements AutoCloseable {

    /** The path the set is served at. */
    public static final String PATH = "/.well-known/jwks.json";

    private final HttpServer server;
    private final AtomicReference<JWKSet> keys = new AtomicReference<>(new JWKSet());
    private final AtomicInteger fetches = new AtomicInteger();

    private JwksServer(HttpServer server) {
        this.server = server;
    }

    /**
     * @param keys the keys to publish first (private parts are never served)
     * @return a started server
     */
    public static JwksServer start(JWK... keys) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            JwksServer server = new JwksServer(http);
            server.publish(keys);
            http.createContext(PATH, exchange -> {
                server.fetches.incrementAndGet();
                byte[] body = server.keys.get().toString(true).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            http.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param published the keys to serve from now on
     */
    public void publish(JWK... published) {
        keys.set(new JWKSet(List.of(published)).toPublicJWKSet());
    }

    /**
     * @return the JWKS URL
     */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /**
     * @return how many times the set was fetched
     */
    public int fetches() {
        return fetches.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
