package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.TrustedProxyContractTest;

/**
 * {@link TrustedProxyContractTest} on the HTTP API payload 2.0 behind the custom domain
 * api.example.com (stage prod, route {@code $default}), the host the suite's requests address.
 * Exclusions: none.
 */
class HttpApiTrustedProxyContractTest extends TrustedProxyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(new ApiGatewayEvents.HttpApiShape("prod", "$default", HOST));
    }
}
