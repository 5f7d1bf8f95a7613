package io.gatehouse.container;

import io.gatehouse.container.proxy.RawHttp;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.PathNormalisationContractTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PathNormalisationContractTest} on Netty's streaming engine (HTTP/1.1): the JDK's client for
 * the forms {@code java.net.URI} accepts, a raw socket ({@link RawHttp}) for every form byte for byte.
 */
class NettyPathNormalisationContractTest extends PathNormalisationContractTest {

    private final NettyRuntime runtime = new NettyRuntime();

    @Override
    protected GatewayRuntime runtime() {
        return runtime;
    }

    @Override
    protected Engine engine() {
        return Engine.WIRE;
    }

    @Override
    protected ContractResponse sendAsIs(String target) {
        try (RawHttp http = new RawHttp(runtime.uri().getPort())) {
            http.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            return response(http.read());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void refusedPath_thenConnectionClosedAfterThe400() throws IOException {
        try (RawHttp http = new RawHttp(runtime.uri().getPort())) {
            http.send("GET /pub/..%2fpriv/a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /pub/a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttp.Response refused = http.read();
            assertEquals(400, refused.status(), refused.body());
            assertEquals("close", refused.header("connection"));
            assertTrue(http.closedByServer(), "the pipelined request after a refused path is not answered");
        }
    }

    @Test
    void refusedHead_then400HeadWithoutBody() throws IOException {
        try (RawHttp http = new RawHttp(runtime.uri().getPort())) {
            http.send("HEAD /pub/a%2Fb HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttp.Response refused = http.read(true);
            assertEquals(400, refused.status());
            assertEquals("application/json", refused.header("content-type"));
            assertTrue(Integer.parseInt(refused.header("content-length")) > 0, "the length the GET's body would have");
            assertTrue(http.closedByServer(), "no body follows the head");
        }
    }

    @Test
    void pipelinedAfterAProxiedRequest_thenRefusedInOrder() throws IOException {
        try (RawHttp http = new RawHttp(runtime.uri().getPort())) {
            http.send("GET /pub/a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /pub/%252e HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertEquals(200, http.read().status());
            RawHttp.Response refused = http.read();
            assertEquals(400, refused.status(), refused.body());
            assertTrue(refused.body().contains("double_encoding"), refused.body());
        }
    }

    private static ContractResponse response(RawHttp.Response raw) {
        Map<String, List<String>> headers = new TreeMap<>();
        raw.headers().forEach((name, value) -> headers.put(name, List.of(value)));
        return new ContractResponse(raw.status(), headers, List.of(), raw.body().getBytes(StandardCharsets.UTF_8));
    }
}
