package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.TracingContractTest;

/**
 * {@link TracingContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiTracingContractTest extends TracingContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
