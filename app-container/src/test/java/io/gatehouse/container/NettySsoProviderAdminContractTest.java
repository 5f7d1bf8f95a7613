package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.SsoProviderAdminContractTest;

/**
 * {@link SsoProviderAdminContractTest} on Netty.
 */
class NettySsoProviderAdminContractTest extends SsoProviderAdminContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
