package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.OidcLoginContractTest;

/**
 * {@link OidcLoginContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiOidcLoginContractTest extends OidcLoginContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
