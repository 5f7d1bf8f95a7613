package io.gatehouse.container;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.contract.HttpTransport;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.Map;

/**
 * The container runtime for the contract suite: Netty on an ephemeral loopback port, reached over
 * real HTTP.
 */
final class NettyRuntime implements GatewayRuntime {

    private final String name;
    private final Map<String, Object> extra;
    private final HttpClient.Version version;
    private URI uri;
    private ApplicationContext context;

    NettyRuntime() {
        this("netty", Map.of(), HttpClient.Version.HTTP_1_1);
    }

    /**
     * @param name    the runtime's name in reports
     * @param extra   properties added to every suite's
     * @param version the HTTP version the transport speaks
     */
    NettyRuntime(String name, Map<String, Object> extra, HttpClient.Version version) {
        this.name = name;
        this.extra = extra;
        this.version = version;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * @return the base URL of the gateway started last
     */
    URI uri() {
        return uri;
    }

    /**
     * @return the application context of the gateway started last
     */
    ApplicationContext context() {
        return context;
    }

    @Override
    public GatewayTransport start(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put("micronaut.server.port", -1);
        all.put("micronaut.server.host", "127.0.0.1");
        all.putAll(extra);
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, all, GatehouseContainer.ENVIRONMENT);
        uri = server.getURI();
        context = server.getApplicationContext();
        HttpTransport transport = new HttpTransport(uri, server::close, version);
        if (version == HttpClient.Version.HTTP_2) {
            // The JDK's client asks for the h2c upgrade on a connection's first request, body and
            // all, where Netty's upgrade handler answers a large body itself: a request without one
            // first, so that every request of a suite travels over HTTP/2.
            transport.send(ContractRequest.get("/ping"));
        }
        return transport;
    }
}
