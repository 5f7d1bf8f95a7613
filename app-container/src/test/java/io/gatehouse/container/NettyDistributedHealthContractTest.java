package io.gatehouse.container;

import io.gatehouse.contract.DistributedHealthContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link DistributedHealthContractTest} on Netty.
 */
class NettyDistributedHealthContractTest extends DistributedHealthContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
