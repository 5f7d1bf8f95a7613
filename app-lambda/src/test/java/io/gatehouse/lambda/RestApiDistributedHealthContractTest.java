package io.gatehouse.lambda;

import io.gatehouse.contract.DistributedHealthContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link DistributedHealthContractTest} on the REST API payload 1.0 behind a custom domain with base path mapping \/gw.
 */
class RestApiDistributedHealthContractTest extends DistributedHealthContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
