package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.TokenServiceContractTest;

/**
 * {@link TokenServiceContractTest} on Netty.
 */
class NettyTokenServiceContractTest extends TokenServiceContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
