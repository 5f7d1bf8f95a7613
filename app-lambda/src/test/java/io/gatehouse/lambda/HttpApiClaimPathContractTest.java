package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.ClaimPathContractTest;

/**
 * {@link ClaimPathContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiClaimPathContractTest extends ClaimPathContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
