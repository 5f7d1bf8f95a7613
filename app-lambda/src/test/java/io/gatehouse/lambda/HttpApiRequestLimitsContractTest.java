package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.RequestLimitsContractTest;

/**
 * {@link RequestLimitsContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiRequestLimitsContractTest extends RequestLimitsContractTest {

    @Override
    protected boolean bufferedEngine() {
        return true;
    }

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
