package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.OpenApiContractTest;

/**
 * {@link OpenApiContractTest} on Netty.
 */
class NettyOpenApiContractTest extends OpenApiContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
