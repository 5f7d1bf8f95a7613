package io.gatehouse.lambda;

import io.gatehouse.contract.ConversationContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link ConversationContractTest} on the REST API payload 1.0 behind a custom domain with base path
 * mapping /gw: no relay thread, the intake publishes its row after the commit.
 */
class RestApiConversationContractTest extends ConversationContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
