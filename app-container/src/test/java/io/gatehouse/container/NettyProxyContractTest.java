package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.ProxyContractTest;

import java.util.Optional;

/**
 * {@link ProxyContractTest} on Netty, reached over loopback from 127.0.0.1. Exclusions: none.
 *
 * <p>The container's streaming engine takes proxied requests before Micronaut, so
 * {@link #bufferedEngine()} is {@code false}: bodies of any size stream through and streaming and
 * WebSocket routes are served, where the buffered engine answers 413 and 501.
 */
class NettyProxyContractTest extends ProxyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }

    @Override
    protected boolean bufferedEngine() {
        return false;
    }

    @Override
    protected Optional<String> expectedClientAddress() {
        return Optional.of("127.0.0.1");
    }
}
