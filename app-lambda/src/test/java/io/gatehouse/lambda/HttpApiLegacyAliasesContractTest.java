package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.LegacyAliasesContractTest;

/**
 * {@link LegacyAliasesContractTest} on the HTTP API payload 2.0 on the named stage prod. Exclusions: none.
 */
class HttpApiLegacyAliasesContractTest extends LegacyAliasesContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
