package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.AccessPolicyContractTest;

/**
 * {@link AccessPolicyContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiAccessPolicyContractTest extends AccessPolicyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
