package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.IdempotencyContractTest;

/**
 * {@link IdempotencyContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiIdempotencyContractTest extends IdempotencyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
