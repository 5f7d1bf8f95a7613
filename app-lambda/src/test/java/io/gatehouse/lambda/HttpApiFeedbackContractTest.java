package io.gatehouse.lambda;

import io.gatehouse.contract.FeedbackContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link FeedbackContractTest} on the HTTP API payload 2.0 on the named stage prod.
 */
class HttpApiFeedbackContractTest extends FeedbackContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }
}
