package io.gatehouse.lambda;

import io.gatehouse.contract.FoundationContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link FoundationContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiFoundationContractTest extends FoundationContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
