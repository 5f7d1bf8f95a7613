package io.gatehouse.lambda;

import io.gatehouse.contract.FoundationContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link FoundationContractTest} on the REST API payload 1.0 behind a custom domain with base path mapping \/gw.
 */
class RestApiFoundationContractTest extends FoundationContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
