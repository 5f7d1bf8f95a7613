package io.gatehouse.container;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
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
 * counted against the route's limit as they arrive, and the header section (32 KiB) and request
 * line (16 KiB) limits of the container's front door answer 431 and 414 envelopes on a route.
 */
class NettyRequestLimitsContractTest extends RequestLimitsContractTest {

    private final NettyRuntime runtime = new NettyRuntime();

    @Override
    protected GatewayRuntime runtime() {
        return runtime;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "header section of 20 KiB  | 20480 | 0     | 200 |",
        "header section of 40 KiB  | 40960 | 0     | 431 | headers_too_large",
        "request target of 15 KiB  | 0     | 15360 | 200 |",
        "request target of 17 KiB  | 0     | 17408 | 414 | uri_too_long"})
    void headOverTheFrontDoorsLimits_thenRefusedBeforeTheRoute(String name, int header, int query, int status, String code) {
        int before = upstream.requests();
        ContractRequest request = ContractRequest.get("/rl/default/head" + (query > 0 ? "?q=" + "a".repeat(query) : ""));
        if (header > 0) {
            request = request.header("X-Filler", "b".repeat(header));
        }
        ContractResponse response = send(request);
        if (status == 200) {
            assertEquals(200, response.status(), response.text());
            assertEquals(before + 1, upstream.requests());
        } else {
            assertEnvelope(response, status, code);
            assertEquals("nosniff", response.header("X-Content-Type-Options").orElse(null));
            assertEquals(before, upstream.requests());
        }
    }

    @ParameterizedTest(name = "chunked {1} bytes to {0} -> {2}")
    @CsvSource({
        "/rl/small/chunked, 1024, 200",
        "/rl/small/chunked, 5000, 413",
        "/rl/big/chunked, 16384, 200",
        "/rl/big/chunked, 20000, 413",
        "/rl/default/chunked, 5000, 413"})
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
