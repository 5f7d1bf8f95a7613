package io.gatehouse.container;

import io.gatehouse.contract.HealthDownContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link HealthDownContractTest} on Netty.
 */
class NettyHealthDownContractTest extends HealthDownContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
