package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.SecurityHeadersContractTest;

/**
 * {@link SecurityHeadersContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiSecurityHeadersContractTest extends SecurityHeadersContractTest {

    @Override
    protected boolean overTls() {
        return true;
    }

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
