package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.TransformContractTest;

/**
 * {@link TransformContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiTransformContractTest extends TransformContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
