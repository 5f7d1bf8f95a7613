package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.IdempotencyContractTest;

/**
 * {@link IdempotencyContractTest} on Netty (the buffered engine serves these routes: they need whole bodies).
 */
class NettyIdempotencyContractTest extends IdempotencyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
