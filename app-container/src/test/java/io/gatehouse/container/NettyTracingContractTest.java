package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.TracingContractTest;

/**
 * {@link TracingContractTest} on Netty: routed requests are traced by the streaming engine's chain,
 * the gateway's own endpoints by Micronaut's. Exclusions: none.
 */
class NettyTracingContractTest extends TracingContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
