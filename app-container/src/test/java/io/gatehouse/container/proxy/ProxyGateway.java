package io.gatehouse.container.proxy;

import io.gatehouse.container.GatehouseContainer;
import io.gatehouse.definition.GatewayState;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The container gateway on an ephemeral loopback port, routing by a generated declarative file.
 */
public final class ProxyGateway implements AutoCloseable {

    private final EmbeddedServer server;
    private final Path file;

    private ProxyGateway(EmbeddedServer server, Path file) {
        this.server = server;
        this.file = file;
    }

    /**
     * @param yaml the declarative file's content (routes and upstreams)
     * @return the started gateway
     */
    public static ProxyGateway start(String yaml) {
        return start(yaml, Map.of());
    }

    /**
     * @param upstreamUrl the only target of the only upstream
     * @param properties  further application properties
     * @return a gateway whose one route, {@code /**}, proxies every path but its own endpoints there
     */
    static ProxyGateway catchAll(String upstreamUrl, Map<String, Object> properties) {
        return start("""
            upstreams:
              recorder: { targets: [ "%s" ] }
            routes:
              - { id: everything, match: { path: "/**" }, upstream: recorder }
            """.formatted(upstreamUrl), properties);
    }

    public static ProxyGateway start(String yaml, Map<String, Object> properties) {
        try {
            Path file = Files.createTempFile("gatehouse-proxy-test", ".yml");
            Files.writeString(file, yaml);
            Map<String, Object> all = new HashMap<>(properties);
            all.put("gateway.config-file", file.toString());
            all.put("micronaut.server.port", -1);
            all.put("micronaut.server.host", "127.0.0.1");
            EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, all, GatehouseContainer.ENVIRONMENT);
            return new ProxyGateway(server, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getPort() + pathAndQuery);
    }

    public int port() {
        return server.getPort();
    }

    public ApplicationContext context() {
        return server.getApplicationContext();
    }

    GatewayState state() {
        return context().getBean(GatewayState.class);
    }

    @Override
    public void close() {
        server.close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file; the OS cleans up
        }
    }
}
