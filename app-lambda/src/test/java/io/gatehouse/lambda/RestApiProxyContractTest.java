package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.ProxyContractTest;

import java.util.Optional;

/**
 * {@link ProxyContractTest} on the REST API payload 1.0 behind the custom domain api.example.com
 * with base path mapping \/gw; the client is API Gateway's {@code sourceIp} 203.0.113.7.
 *
 * <p>Exclusions: none. One weaker assertion: payload 1.0 carries the query only as decoded
 * parameters (API Gateway drops the raw text), so {@code percentEncodedQuery_thenForwardedRaw}
 * compares the decoded parameters here: micronaut-aws re-encodes them ({@code x%20y} arrives as
 * {@code x+y}).
 */
class RestApiProxyContractTest extends ProxyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }

    @Override
    protected boolean rawQueryPreserved() {
        return false;
    }

    @Override
    protected Optional<String> expectedClientAddress() {
        return Optional.of("203.0.113.7");
    }

    @Override
    protected String clientScheme() {
        return "https";
    }
}
