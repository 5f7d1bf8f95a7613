package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.SessionContractTest;

/**
 * {@link SessionContractTest} on Netty.
 */
class NettySessionContractTest extends SessionContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
