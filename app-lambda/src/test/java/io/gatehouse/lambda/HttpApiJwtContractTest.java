package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.JwtContractTest;

/**
 * {@link JwtContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiJwtContractTest extends JwtContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
