package io.gatehouse.lambda;

import io.gatehouse.contract.HealthContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link HealthContractTest} on the REST API payload 1.0 behind a custom domain with base path mapping \/gw.
 */
class RestApiHealthContractTest extends HealthContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
