package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.AccessLogContractTest;

/**
 * {@link AccessLogContractTest} on the REST API payload 1.0 behind a custom domain with base path mapping \/gw.
 */
class RestApiAccessLogContractTest extends AccessLogContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
