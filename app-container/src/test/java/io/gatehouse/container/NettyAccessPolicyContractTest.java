package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.AccessPolicyContractTest;

/**
 * {@link AccessPolicyContractTest} on Netty.
 */
class NettyAccessPolicyContractTest extends AccessPolicyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
