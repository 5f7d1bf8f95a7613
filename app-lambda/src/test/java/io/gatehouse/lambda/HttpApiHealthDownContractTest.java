package io.gatehouse.lambda;

import io.gatehouse.contract.HealthDownContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link HealthDownContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiHealthDownContractTest extends HealthDownContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
