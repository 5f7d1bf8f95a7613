package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.RateLimitContractTest;

/**
 * {@link RateLimitContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiRateLimitContractTest extends RateLimitContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
