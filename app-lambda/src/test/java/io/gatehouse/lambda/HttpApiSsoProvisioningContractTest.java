package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.SsoProvisioningContractTest;

/**
 * {@link SsoProvisioningContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiSsoProvisioningContractTest extends SsoProvisioningContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
