package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.SessionContractTest;

/**
 * {@link SessionContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiSessionContractTest extends SessionContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
