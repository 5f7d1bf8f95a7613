package io.gatehouse.lambda;

import io.gatehouse.contract.AuditContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link AuditContractTest} on the REST API payload 1.0 behind a custom domain with base path
 * mapping /gw; events are stored before the response is returned.
 */
class RestApiAuditContractTest extends AuditContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }

    @Override
    protected boolean storedBeforeResponse() {
        return true;
    }
}
