package io.gatehouse.lambda;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.PathNormalisationContractTest;

/**
 * {@link PathNormalisationContractTest} on the HTTP API payload 2.0 behind the custom domain
 * api.example.com (stage prod, route {@code $default}): {@code rawPath} arrives percent-decoded. The
 * event carries any target, so {@link #sendAsIs} is the ordinary transport.
 */
class HttpApiPathNormalisationContractTest extends PathNormalisationContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(new ApiGatewayEvents.HttpApiShape("prod", "$default", "api.example.com"));
    }

    @Override
    protected Engine engine() {
        return Engine.HTTP_API;
    }

    @Override
    protected ContractResponse sendAsIs(String target) {
        return send(ContractRequest.get(target));
    }
}
