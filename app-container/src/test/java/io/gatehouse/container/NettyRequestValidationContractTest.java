package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.RequestValidationContractTest;

/**
 * {@link RequestValidationContractTest} on Netty.
 */
class NettyRequestValidationContractTest extends RequestValidationContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
