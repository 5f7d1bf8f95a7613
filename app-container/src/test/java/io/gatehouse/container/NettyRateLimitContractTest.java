package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.RateLimitContractTest;

/**
 * {@link RateLimitContractTest} on Netty.
 */
class NettyRateLimitContractTest extends RateLimitContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
