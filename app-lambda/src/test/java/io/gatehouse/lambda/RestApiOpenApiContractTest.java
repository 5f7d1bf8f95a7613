package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.OpenApiContractTest;

/**
 * {@link OpenApiContractTest} on the REST API payload 1.0 behind a custom domain with base path mapping \/gw.
 */
class RestApiOpenApiContractTest extends OpenApiContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
