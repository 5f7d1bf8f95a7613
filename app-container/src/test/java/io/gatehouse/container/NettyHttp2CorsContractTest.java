package io.gatehouse.container;

import io.gatehouse.contract.CorsContractTest;
import io.gatehouse.contract.GatewayRuntime;

import java.net.http.HttpClient;
import java.util.Map;

/**
 * {@link CorsContractTest} on Netty with HTTP/2 switched on and clients speaking h2c: HTTP/2
 * connections are left to Micronaut, so routes take the buffered engine, as on Lambda.
 */
class NettyHttp2CorsContractTest extends CorsContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime("netty-h2c", Map.of("micronaut.server.http-version", "2.0"), HttpClient.Version.HTTP_2);
    }
}
