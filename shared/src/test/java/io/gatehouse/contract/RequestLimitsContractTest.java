package io.gatehouse.contract;

import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Request body limits per route ({@code request-limits.max-body}), the same on Netty and both
 * Lambda payloads, against a real loopback upstream ({@link NoisyUpstream}) that records the size of
 * every body it receives: a body at the route's limit is forwarded whole, one byte more is 413
 * {@code payload_too_large} with {@code details.limit_bytes} and the upstream never sees it; a
 * route may raise the gateway's {@code gateway.proxy.max-request-body} as well as lower it (on a
 * buffering engine never above {@code gateway.proxy.max-buffered-body}); the 413 carries the
 * route's CORS headers; access decides first, so a protected route answers 401 to a caller without
 * credentials whatever its body.
 */
public abstract class RequestLimitsContractTest extends ContractTestBase {

    /**
     * The gateway-wide body limit of this suite. The bodies stay small, and those refused unread
     * add up to less than HTTP/2's 64 KiB window: on h2c, larger ones refused unread after others
     * can stall the connection (a defect below the gateway, docs/request-limits.md).
     */
    protected static final int GATEWAY_LIMIT = 4096;
    /** The buffering engines' limit of this suite. */
    protected static final int BUFFER_LIMIT = 8192;

    /** The upstream every route forwards to. */
    protected final NoisyUpstream upstream = new NoisyUpstream("/rl");

    /**
     * @return whether routes go through the buffered engine (both Lambda payloads, h2c), which
     *     holds at most {@code gateway.proxy.max-buffered-body}; the streaming engine holds nothing
     */
    protected boolean bufferedEngine() {
        return false;
    }

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.config-file", routesFile().toString());
        properties.put("gateway.proxy.max-request-body", GATEWAY_LIMIT);
        properties.put("gateway.proxy.max-buffered-body", BUFFER_LIMIT);
        properties.put("gateway.jwt.secret", io.gatehouse.testing.TestTokens.SECRET);
        return properties;
    }

    @AfterAll
    void stopUpstream() {
        upstream.close();
    }

    private Path routesFile() {
        return definitionFile("""
            upstreams:
              noisy:
                targets: ["%s"]
            routes:
              - id: small
                match: { path: "/rl/small/**" }
                upstream: noisy
                request-limits: { max-body: 1KiB }
                cors: { origins: [https://app.example.com] }
              - id: big
                match: { path: "/rl/big/**" }
                upstream: noisy
                request-limits: { max-body: 16KiB }
              - id: default
                match: { path: "/rl/default/**" }
                upstream: noisy
              - id: protected
                match: { path: "/rl/protected/**" }
                upstream: noisy
                auth: jwt
                request-limits: { max-body: 1KiB }
            """.formatted(upstream.url()));
    }

    @ParameterizedTest(name = "{0} with {1} bytes -> {2}")
    @CsvSource(delimiter = '|', value = {
        // path          | bytes | streaming: status, limit | buffered: status, limit
        "/rl/small/a     | 512   | 200 | 0     | 200 | 0",
        "/rl/small/a     | 1024  | 200 | 0     | 200 | 0",
        "/rl/small/a     | 1025  | 413 | 1024  | 413 | 1024",
        "/rl/default/a   | 4096  | 200 | 0     | 200 | 0",
        "/rl/default/a   | 4097  | 413 | 4096  | 413 | 4096",
        "/rl/big/a       | 6000  | 200 | 0     | 200 | 0",
        "/rl/big/a       | 10000 | 200 | 0     | 413 | 8192",
        "/rl/big/a       | 16384 | 200 | 0     | 413 | 8192",
        "/rl/big/a       | 16385 | 413 | 16384 | 413 | 8192"})
    void bodyAgainstTheRoutesLimit_thenForwardedWholeOr413(String path, int bytes, int streamingStatus, int streamingLimit,
                                                             int bufferedStatus, int bufferedLimit) {
        int status = bufferedEngine() ? bufferedStatus : streamingStatus;
        int limit = bufferedEngine() ? bufferedLimit : streamingLimit;
        int before = upstream.requests();
        ContractResponse response = send(ContractRequest.of("POST", path).body("application/octet-stream", new byte[bytes]));
        if (status == 200) {
            assertEquals(200, response.status(), response.text());
            assertEquals(List.of("POST " + path + " " + bytes), upstream.received().subList(before, upstream.requests()));
        } else {
            JsonNode error = assertEnvelope(response, 413, "payload_too_large");
            assertEquals(limit, error.get("details").get("limit_bytes").getLongValue());
            assertEquals(before, upstream.requests(), "the upstream never saw it");
        }
    }

    @Test
    void tooLargeOnACorsRoute_then413TheScriptCanRead() {
        ContractResponse response = send(ContractRequest.of("POST", "/rl/small/a").header("Origin", "https://app.example.com")
            .body("text/plain", "x".repeat(2000)));
        assertEnvelope(response, 413, "payload_too_large");
        assertEquals("https://app.example.com", response.header("Access-Control-Allow-Origin").orElse(null));
        assertEquals("nosniff", response.header("X-Content-Type-Options").orElse(null));
    }

    @Test
    void protectedRouteWithoutCredentials_then401WhateverTheBody() {
        int before = upstream.requests();
        assertEnvelope(send(ContractRequest.of("POST", "/rl/protected/a").body("text/plain", "x".repeat(4000))),
            401, "unauthorized");
        assertEquals(before, upstream.requests());
    }
}
