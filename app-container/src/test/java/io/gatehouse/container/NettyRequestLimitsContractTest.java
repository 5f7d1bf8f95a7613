package io.gatehouse.container;

import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.RequestLimitsContractTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RequestLimitsContractTest} on Netty: routes take the streaming engine, which holds no
 * body. Besides the suite, bodies of unknown length ({@code Transfer-Encoding: chunked}) are
 * counted against the route's limit as they arrive.
 */
class NettyRequestLimitsContractTest extends RequestLimitsContractTest {

    private final NettyRuntime runtime = new NettyRuntime();

    @Override
    protected GatewayRuntime runtime() {
        return runtime;
    }

    @ParameterizedTest(name = "chunked {1} bytes to {0} -> {2}")
    @CsvSource({
        "/rl/small/chunked, 1024, 200",
        "/rl/small/chunked, 5000, 413",
        "/rl/big/chunked, 40960, 200",
        "/rl/big/chunked, 50000, 413",
        "/rl/default/chunked, 9000, 413"})
    void chunkedBody_thenCountedAgainstTheRoutesLimitAsItArrives(String path, int bytes, int status) throws Exception {
        int before = upstream.requests();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        // A publisher of unknown length: the JDK's client sends it chunked.
        HttpRequest request = HttpRequest.newBuilder(runtime.uri().resolve(path)).timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[bytes]))).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        if (status == 200) {
            assertEquals("POST " + path + " " + bytes, upstream.received().getLast());
        } else {
            assertTrue(response.body().contains("\"code\":\"payload_too_large\""), response.body());
            assertTrue(upstream.received().subList(before, upstream.requests()).stream().noneMatch(r -> r.endsWith(" " + bytes)),
                "the upstream never received the whole body: " + upstream.received());
        }
    }
}
