package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.OwnedPathsContractTest;

/**
 * {@link OwnedPathsContractTest} on Netty over HTTP/1.1: the streaming engine leaves owned paths to
 * Micronaut, whose buffered engine must not proxy them either. Exclusions: none.
 */
class NettyOwnedPathsContractTest extends OwnedPathsContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
