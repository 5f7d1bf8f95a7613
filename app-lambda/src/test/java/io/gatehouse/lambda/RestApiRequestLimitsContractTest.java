package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.RequestLimitsContractTest;

/**
 * {@link RequestLimitsContractTest} on the REST API payload 1.0 behind a custom domain with base path mapping \/gw.
 */
class RestApiRequestLimitsContractTest extends RequestLimitsContractTest {

    @Override
    protected boolean bufferedEngine() {
        return true;
    }

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
