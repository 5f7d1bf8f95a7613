package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.OAuthTokenContractTest;

/**
 * {@link OAuthTokenContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiOAuthTokenContractTest extends OAuthTokenContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
