package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.MetricsContractTest;

/**
 * {@link MetricsContractTest} on Netty: routed requests go through the streaming engine, the
 * gateway's own endpoints and unmatched paths through Micronaut. Exclusions: none.
 */
class NettyMetricsContractTest extends MetricsContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }

    @Override
    protected boolean enginePoolsConnections() {
        return true;
    }
}
