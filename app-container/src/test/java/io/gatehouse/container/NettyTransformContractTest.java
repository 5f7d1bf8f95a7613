package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.TransformContractTest;

/**
 * {@link TransformContractTest} on Netty.
 */
class NettyTransformContractTest extends TransformContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
