package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.JsonInputContractTest;

/**
 * {@link JsonInputContractTest} on Netty.
 */
class NettyJsonInputContractTest extends JsonInputContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
