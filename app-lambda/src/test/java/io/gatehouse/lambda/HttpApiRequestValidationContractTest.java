package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.RequestValidationContractTest;

/**
 * {@link RequestValidationContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiRequestValidationContractTest extends RequestValidationContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
