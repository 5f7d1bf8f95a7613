package io.gatehouse.container;

import io.gatehouse.contract.SecurityHeadersContractTest;
import io.gatehouse.contract.GatewayRuntime;

import java.net.http.HttpClient;
import java.util.Map;

/**
 * {@link SecurityHeadersContractTest} on Netty with HTTP/2 switched on and clients speaking h2c: HTTP/2
 * connections are left to Micronaut, so routes take the buffered engine, as on Lambda.
 *
 * <p>Exclusion: {@code ownEndpointBodyOverMaxRequestSize_then413WithTheDefaultSecurityHeaders}.
 * Micronaut's HTTP/2 layer refuses a body over {@code micronaut.server.max-request-size} itself,
 * before any filter runs: a bare 413 without the envelope, {@code X-Request-ID} or any header a
 * filter adds, or, when the body does not fit the stream's flow-control window, no answer at all
 * until the client gives up. HTTP/1.1 connections and both Lambda payloads answer it in the filter
 * chain; see docs/reliability.md.
 */
class NettyHttp2SecurityHeadersContractTest extends SecurityHeadersContractTest {

    /** Excluded: see the class comment. Not a test here (no {@code @Test}). */
    @Override
    protected void ownEndpointBodyOverMaxRequestSize_then413WithTheDefaultSecurityHeaders() {
    }

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime("netty-h2c", Map.of("micronaut.server.http-version", "2.0"), HttpClient.Version.HTTP_2);
    }
}
