package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.CorsContractTest;

/**
 * {@link CorsContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiCorsContractTest extends CorsContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
