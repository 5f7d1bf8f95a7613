package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.UpstreamContractTest;

/**
 * {@link UpstreamContractTest} on Netty: the container's streaming engine chooses the targets, and
 * its active health checker probes them. Exclusions: none.
 */
class NettyUpstreamContractTest extends UpstreamContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
