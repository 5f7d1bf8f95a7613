package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.OwnedPathsContractTest;

/**
 * {@link OwnedPathsContractTest} on the REST API payload 1.0 behind the custom domain
 * api.example.com with base path mapping \/gw. Exclusions: none.
 */
class RestApiOwnedPathsContractTest extends OwnedPathsContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
