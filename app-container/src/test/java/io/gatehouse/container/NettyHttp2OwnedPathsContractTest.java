package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.OwnedPathsContractTest;

import java.net.http.HttpClient;
import java.util.Map;

/**
 * {@link OwnedPathsContractTest} on Netty with HTTP/2 switched on and clients speaking h2c, as
 * {@link NettyHttp2ProxyContractTest} does: HTTP/2 streams take the buffered engine (Micronaut's
 * filter chain), the path the container's HTTP/1.1 streaming engine never uses. Exclusions: none.
 */
class NettyHttp2OwnedPathsContractTest extends OwnedPathsContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime("netty-h2c", Map.of("micronaut.server.http-version", "2.0"), HttpClient.Version.HTTP_2);
    }
}
