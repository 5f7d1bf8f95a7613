package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.OAuthTokenContractTest;

/**
 * {@link OAuthTokenContractTest} on the REST API payload 1.0 behind a custom domain with base path mapping \/gw.
 */
class RestApiOAuthTokenContractTest extends OAuthTokenContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
