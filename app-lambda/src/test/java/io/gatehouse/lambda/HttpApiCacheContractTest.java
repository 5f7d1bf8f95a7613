package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.CacheContractTest;

/**
 * {@link CacheContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiCacheContractTest extends CacheContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
