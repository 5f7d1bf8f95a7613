package io.gatehouse.contract;

import java.util.Map;

/**
 * A runtime the contract suite runs against: it starts the gateway with the given properties and
 * returns a transport to reach it. {@code app-container} and {@code app-lambda} implement it.
 */
public interface GatewayRuntime {

    /**
     * @return a short name for reports, such as {@code netty} or {@code rest-api-v1}
     */
    String name();

    /**
     * @param properties configuration for this gateway instance
     * @return a transport to the started gateway
     */
    GatewayTransport start(Map<String, Object> properties);
}
