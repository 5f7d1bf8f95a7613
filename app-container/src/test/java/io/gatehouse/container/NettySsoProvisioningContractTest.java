package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.SsoProvisioningContractTest;

/**
 * {@link SsoProvisioningContractTest} on Netty.
 */
class NettySsoProvisioningContractTest extends SsoProvisioningContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
