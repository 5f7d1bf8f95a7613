package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.SsoProviderAdminContractTest;

/**
 * {@link SsoProviderAdminContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiSsoProviderAdminContractTest extends SsoProviderAdminContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
