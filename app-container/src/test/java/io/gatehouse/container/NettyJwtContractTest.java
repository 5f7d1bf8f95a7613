package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.JwtContractTest;

/**
 * {@link JwtContractTest} on Netty.
 */
class NettyJwtContractTest extends JwtContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
