package io.gatehouse.lambda;

import io.gatehouse.contract.HealthContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link HealthContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiHealthContractTest extends HealthContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
