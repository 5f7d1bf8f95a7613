package io.gatehouse.lambda;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.UpstreamContractTest;

/**
 * {@link UpstreamContractTest} on the HTTP API payload 2.0 (named stage prod, route
 * {@code $default}). Exclusions: none. Lambda runs no active health checks
 * ({@code gateway.health-checks.enabled: false}), so {@link #activeHealthChecks()} is {@code false}
 * and the health-check test proves that a failing health endpoint is never probed here.
 */
class HttpApiUpstreamContractTest extends UpstreamContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage());
    }

    @Override
    protected boolean activeHealthChecks() {
        return false;
    }
}
