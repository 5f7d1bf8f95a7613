package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.TrustedProxyContractTest;

/**
 * {@link TrustedProxyContractTest} on Netty: the streaming engine sets the forwarding headers.
 * Exclusions: none.
 */
class NettyTrustedProxyContractTest extends TrustedProxyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
