package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.TrustedProxyContractTest;

/**
 * {@link TrustedProxyContractTest} on the REST API payload 1.0 (custom domain, base path mapping
 * \/gw). Exclusions: none.
 */
class RestApiTrustedProxyContractTest extends TrustedProxyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
