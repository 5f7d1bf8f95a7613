package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.OidcLoginContractTest;

/**
 * {@link OidcLoginContractTest} on Netty.
 */
class NettyOidcLoginContractTest extends OidcLoginContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
