package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.ApiKeyAdminContractTest;

/**
 * {@link ApiKeyAdminContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiApiKeyAdminContractTest extends ApiKeyAdminContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
