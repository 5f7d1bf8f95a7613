package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.ProxyContractTest;

import java.util.Optional;

/**
 * {@link ProxyContractTest} on Netty, reached over loopback from 127.0.0.1. Exclusions: none.
 *
 * <p>Until the container's streaming engine takes proxied requests before Micronaut, the buffered
 * engine serves them here too, so {@link #bufferedEngine()} is {@code true}: bodies above the
 * buffer limit get 413 and streaming and WebSocket routes 501. Once the streaming engine is
 * installed, it answers {@code false}.
 */
class NettyProxyContractTest extends ProxyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }

    @Override
    protected boolean bufferedEngine() {
        // TODO(#4): false once the container's streaming engine intercepts proxied requests.
        return true;
    }

    @Override
    protected Optional<String> expectedClientAddress() {
        return Optional.of("127.0.0.1");
    }
}
