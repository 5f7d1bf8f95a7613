package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.CorsContractTest;

/**
 * {@link CorsContractTest} on Netty: routes take the streaming engine.
 */
class NettyCorsContractTest extends CorsContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
