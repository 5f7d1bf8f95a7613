package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.TenancyContractTest;

/**
 * {@link TenancyContractTest} on Netty.
 */
class NettyTenancyContractTest extends TenancyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
