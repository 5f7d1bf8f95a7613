package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.SecurityHeadersContractTest;

/**
 * {@link SecurityHeadersContractTest} on Netty: routes take the streaming engine.
 */
class NettySecurityHeadersContractTest extends SecurityHeadersContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
