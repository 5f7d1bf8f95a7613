package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.TenancyContractTest;

/**
 * {@link TenancyContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiTenancyContractTest extends TenancyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
