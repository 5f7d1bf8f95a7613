package io.gatehouse.lambda;

import io.gatehouse.contract.HealthDownContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link HealthDownContractTest} on the REST API payload 1.0 behind a custom domain with base path mapping \/gw.
 */
class RestApiHealthDownContractTest extends HealthDownContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
