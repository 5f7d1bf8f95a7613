package io.gatehouse.lambda;

import io.gatehouse.contract.AuditContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link AuditContractTest} on the HTTP API payload 2.0 on the named stage prod; events are stored
 * before the response is returned.
 */
class HttpApiAuditContractTest extends AuditContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }

    @Override
    protected boolean storedBeforeResponse() {
        return true;
    }
}
