package io.gatehouse.lambda;

import io.gatehouse.contract.DistributedHealthContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link DistributedHealthContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiDistributedHealthContractTest extends DistributedHealthContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
