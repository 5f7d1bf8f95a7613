package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.UpstreamContractTest;

/**
 * {@link UpstreamContractTest} on the REST API payload 1.0 (custom domain, base path mapping
 * \/gw). Exclusions: none. Lambda runs no active health checks
 * ({@code gateway.health-checks.enabled: false}), so {@link #activeHealthChecks()} is {@code false}
 * and the health-check test proves that a failing health endpoint is never probed here.
 */
class RestApiUpstreamContractTest extends UpstreamContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
    }

    @Override
    protected boolean activeHealthChecks() {
        return false;
    }
}
