package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.LegacyAliasesContractTest;

/**
 * {@link LegacyAliasesContractTest} on the REST API payload 1.0 behind the custom domain
 * api.example.com with base path mapping \/gw. Exclusions: none.
 */
class RestApiLegacyAliasesContractTest extends LegacyAliasesContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
