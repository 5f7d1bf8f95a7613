package io.gatehouse.lambda;

import io.gatehouse.contract.FeedbackContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link FeedbackContractTest} on the REST API payload 1.0 behind a custom domain with base path
 * mapping /gw.
 */
class RestApiFeedbackContractTest extends FeedbackContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }
}
