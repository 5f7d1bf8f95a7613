package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.JsonInputContractTest;

/**
 * {@link JsonInputContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiJsonInputContractTest extends JsonInputContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }

    /** API Gateway passes a JSON body to the function as a string: bytes that are not UTF-8 arrive as U+FFFD. */
    @Override
    protected boolean invalidUtf8ReachesTheParser() {
        return false;
    }
}
