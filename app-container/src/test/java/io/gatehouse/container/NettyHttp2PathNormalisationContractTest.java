package io.gatehouse.container;

import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.PathNormalisationContractTest;

import java.net.http.HttpClient;
import java.util.Map;

/**
 * {@link PathNormalisationContractTest} on Netty with HTTP/2 on: the buffered engine that h2c
 * connections take. The JDK's HTTP/2 client sends the forms {@code java.net.URI} accepts; an h2c
 * client with prior knowledge ({@link H2cClient}) sends every form as its {@code :path}, as written.
 */
class NettyHttp2PathNormalisationContractTest extends PathNormalisationContractTest {

    private final NettyRuntime runtime = new NettyRuntime("netty-h2c", Map.of("micronaut.server.http-version", "2.0"),
        HttpClient.Version.HTTP_2);

    @Override
    protected GatewayRuntime runtime() {
        return runtime;
    }

    @Override
    protected Engine engine() {
        return Engine.WIRE;
    }

    /** Micronaut routes an HTTP/2 request's path as sent, before any filter can normalise it. */
    @Override
    protected boolean endpointsSeeNormalisedPath() {
        return false;
    }

    @Override
    protected ContractResponse sendAsIs(String target) {
        return H2cClient.get(runtime.uri(), target);
    }
}
