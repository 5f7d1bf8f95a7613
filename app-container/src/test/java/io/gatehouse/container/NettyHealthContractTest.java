package io.gatehouse.container;

import io.gatehouse.contract.HealthContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link HealthContractTest} on Netty.
 */
class NettyHealthContractTest extends HealthContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
