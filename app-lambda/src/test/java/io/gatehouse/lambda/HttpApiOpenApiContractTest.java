package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.OpenApiContractTest;

/**
 * {@link OpenApiContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiOpenApiContractTest extends OpenApiContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
