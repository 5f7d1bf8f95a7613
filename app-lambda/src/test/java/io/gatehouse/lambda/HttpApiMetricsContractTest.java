package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.MetricsContractTest;

/**
 * {@link MetricsContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiMetricsContractTest extends MetricsContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
