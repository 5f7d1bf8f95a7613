package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.ApiKeyAdminContractTest;

/**
 * {@link ApiKeyAdminContractTest} on Netty.
 */
class NettyApiKeyAdminContractTest extends ApiKeyAdminContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
