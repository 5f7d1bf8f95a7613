package io.gatehouse.container;

import io.gatehouse.contract.FoundationContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link FoundationContractTest} on Netty.
 */
class NettyFoundationContractTest extends FoundationContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
