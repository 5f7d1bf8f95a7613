package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.SecurityHeadersContractTest;

/**
 * {@link SecurityHeadersContractTest} on the REST API payload 1.0 behind a custom domain with base path mapping \/gw.
 */
class RestApiSecurityHeadersContractTest extends SecurityHeadersContractTest {

    @Override
    protected boolean overTls() {
        return true;
    }

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
