package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.contract.HttpTransport;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.util.HashMap;
import java.util.Map;

/**
 * The container runtime for the contract suite: Netty on an ephemeral loopback port, reached over
 * real HTTP.
 */
final class NettyRuntime implements GatewayRuntime {

    @Override
    public String name() {
        return "netty";
    }

    @Override
    public GatewayTransport start(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put("micronaut.server.port", -1);
        all.put("micronaut.server.host", "127.0.0.1");
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, all, GatehouseContainer.ENVIRONMENT);
        return new HttpTransport(server.getURI(), server::close);
    }
}
