package io.gatehouse.container;

import io.gatehouse.contract.RequestLimitsContractTest;
import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayRuntime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpClient;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link RequestLimitsContractTest} on Netty with HTTP/2 switched on and clients speaking h2c: HTTP/2
 * connections are left to Micronaut, so routes take the buffered engine, as on Lambda. Besides the
 * suite: a stream's header list, {@code :path} included, is held to the same 32 KiB as an HTTP/1.1
 * header section ({@code micronaut.server.netty.http2.max-header-list-size}); over it Netty's HTTP/2
 * codec answers 431 itself, before the gateway sees the request (no envelope; see
 * docs/request-limits.md).
 */
class NettyHttp2RequestLimitsContractTest extends RequestLimitsContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime("netty-h2c", Map.of("micronaut.server.http-version", "2.0"), HttpClient.Version.HTTP_2);
    }

    @ParameterizedTest(name = "{0} bytes of headers -> {1}")
    @CsvSource({"20480, 200", "40960, 431"})
    void headerListAgainstTheLimit_thenForwardedOr431(int header, int status) {
        int before = upstream.requests();
        ContractResponse response = send(ContractRequest.get("/rl/default/head").header("X-Filler", "b".repeat(header)));
        assertEquals(status, response.status(), response.text());
        assertEquals(status == 200 ? before + 1 : before, upstream.requests());
    }

    @Override
    protected boolean bufferedEngine() {
        return true;
    }
}
