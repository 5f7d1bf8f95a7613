package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.AccessLogContractTest;

/**
 * {@link AccessLogContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiAccessLogContractTest extends AccessLogContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
