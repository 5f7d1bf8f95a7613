package io.gatehouse.container;

import io.gatehouse.contract.AuditContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link AuditContractTest} on Netty: routed requests are decided by the streaming engine.
 */
class NettyAuditContractTest extends AuditContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
