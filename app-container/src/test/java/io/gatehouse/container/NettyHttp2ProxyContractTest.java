package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.HttpTransport;
import io.gatehouse.contract.ProxyContractTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ProxyContractTest} on Netty with HTTP/2 switched on ({@code micronaut.server.http-version:
 * 2.0}) and clients speaking h2c. HTTP/2 connections are left to Micronaut, so these requests take
 * the buffered engine, as on Lambda: {@link #bufferedEngine()} is {@code true}. Exclusions: none;
 * the requests that carry a {@code Host} (the JDK's HTTP/2 client sends the URI's authority) or a
 * connection-specific header (forbidden in HTTP/2, RFC 9113 §8.2.2: the gateway resets such a
 * stream) go over HTTP/1.1, see {@link HttpTransport}.
 */
class NettyHttp2ProxyContractTest extends ProxyContractTest {

    private final NettyRuntime runtime = new NettyRuntime("netty-h2c", Map.of("micronaut.server.http-version", "2.0"),
        HttpClient.Version.HTTP_2);

    @Override
    protected GatewayRuntime runtime() {
        return runtime;
    }

    @Override
    protected boolean bufferedEngine() {
        return true;
    }

    @Override
    protected Optional<String> expectedClientAddress() {
        return Optional.of("127.0.0.1");
    }

    @Test
    void h2cClient_thenAnsweredOverHttp2() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(runtime.uri().resolve("/p/pass/h2")).timeout(Duration.ofSeconds(10)).build();
        client.send(request, HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(HttpClient.Version.HTTP_2, response.version(), "the connection was upgraded to h2c");
    }
}
