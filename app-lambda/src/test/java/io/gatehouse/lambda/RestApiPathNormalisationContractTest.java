package io.gatehouse.lambda;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.PathNormalisationContractTest;

/**
 * {@link PathNormalisationContractTest} on the REST API payload 1.0 behind a custom domain with base
 * path mapping \/gw: {@code path} keeps the client's encoding, the {@code {proxy+}} parameter is
 * decoded. The event carries any target, so {@link #sendAsIs} is the ordinary transport.
 */
class RestApiPathNormalisationContractTest extends PathNormalisationContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }

    @Override
    protected Engine engine() {
        return Engine.REST_API;
    }

    @Override
    protected ContractResponse sendAsIs(String target) {
        return send(ContractRequest.get(target));
    }
}
