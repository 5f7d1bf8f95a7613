package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.ProxyContractTest;

import java.util.Optional;

/**
 * {@link ProxyContractTest} on Netty, reached over loopback from 127.0.0.1. Until the container's
 * streaming engine takes proxied requests before Micronaut, the buffered engine serves them here
 * too. Exclusions: none.
 */
class NettyProxyContractTest extends ProxyContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }

    @Override
    protected Optional<String> expectedClientAddress() {
        return Optional.of("127.0.0.1");
    }
}
