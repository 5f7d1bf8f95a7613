package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.JsonInputContractTest;

/**
 * {@link JsonInputContractTest} on the REST API payload 1.0 behind a custom domain with base path mapping \/gw.
 */
class RestApiJsonInputContractTest extends JsonInputContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }

    /** API Gateway passes a JSON body to the function as a string: bytes that are not UTF-8 arrive as U+FFFD. */
    @Override
    protected boolean invalidUtf8ReachesTheParser() {
        return false;
    }
}
