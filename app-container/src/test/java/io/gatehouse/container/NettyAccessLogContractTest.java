package io.gatehouse.container;

import io.gatehouse.contract.AccessLogContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link AccessLogContractTest} on Netty: the streaming engine and Micronaut's HTTP layer, the
 * background writer. Exclusions: none.
 */
class NettyAccessLogContractTest extends AccessLogContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
