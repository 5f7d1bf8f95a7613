package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.CacheContractTest;

/**
 * {@link CacheContractTest} on Netty (the buffered engine serves these routes: they need whole bodies).
 */
class NettyCacheContractTest extends CacheContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
