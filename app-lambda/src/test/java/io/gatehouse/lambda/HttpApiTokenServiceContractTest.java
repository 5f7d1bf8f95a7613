package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.TokenServiceContractTest;

/**
 * {@link TokenServiceContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiTokenServiceContractTest extends TokenServiceContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
