package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.ProxyContractTest;

import java.util.Optional;

/**
 * {@link ProxyContractTest} on the HTTP API payload 2.0 behind the custom domain api.example.com
 * (stage prod, route {@code $default}): the suite's requests address {@link ProxyContractTest#HOST},
 * and API Gateway sets {@code Host} to the domain the client called, so the runner uses that
 * domain rather than the execute-api endpoint. The client is API Gateway's {@code sourceIp}
 * 203.0.113.7. Exclusions: none. One weaker assertion: an HTTP API decodes {@code rawPath} before
 * it invokes the function, so an encoded slash ({@code %2F}) reaches the upstream as {@code /}.
 */
class HttpApiProxyContractTest extends ProxyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(new ApiGatewayEvents.HttpApiShape("prod", "$default", ProxyContractTest.HOST));
    }

    @Override
    protected Optional<String> expectedClientAddress() {
        return Optional.of("203.0.113.7");
    }

    @Override
    protected boolean encodedSlashInPathPreserved() {
        return false;
    }

    @Override
    protected String clientScheme() {
        return "https";
    }
}
