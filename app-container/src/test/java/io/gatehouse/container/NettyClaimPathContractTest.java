package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.ClaimPathContractTest;

/**
 * {@link ClaimPathContractTest} on Netty.
 */
class NettyClaimPathContractTest extends ClaimPathContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
