package io.gatehouse.lambda;

import io.gatehouse.contract.ConversationContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link ConversationContractTest} on the HTTP API payload 2.0 on the named stage prod: no relay
 * thread, the intake publishes its row after the commit.
 */
class HttpApiConversationContractTest extends ConversationContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
