package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.OAuthTokenContractTest;

/**
 * {@link OAuthTokenContractTest} on Netty.
 */
class NettyOAuthTokenContractTest extends OAuthTokenContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
