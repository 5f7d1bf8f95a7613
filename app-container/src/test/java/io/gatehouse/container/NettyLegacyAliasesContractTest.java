package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.LegacyAliasesContractTest;

/**
 * {@link LegacyAliasesContractTest} on Netty. Exclusions: none.
 */
class NettyLegacyAliasesContractTest extends LegacyAliasesContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
