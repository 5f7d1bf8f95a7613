package io.gatehouse.policy.store;

import io.gatehouse.definition.GatewayState;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.policy.PolicyChain;
import io.gatehouse.policy.PolicyChains;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.ResponseHead;
import io.gatehouse.route.RequestView;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stored policies through a real gateway context's policy chains when Redis does not answer
 * ({@code redis.uri} on a closed loopback port): the cache fails open (a miss, the request goes on,
 * nothing thrown when storing), idempotency fails closed (503 {@code idempotency_store_unavailable}
 * with {@code Retry-After}, the request not forwarded), both within their store timeouts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoredPolicyTest {

    private final ApplicationContext context = ApplicationContext.run(Map.of(
        "redis.uri", "redis://127.0.0.1:" + TestUpstream.closedPort(),
        "gateway.config-file", routes().toString(),
        "gateway.cache.store-timeout", "500ms",
        "gateway.idempotency.store-timeout", "500ms"));

    private static Path routes() {
        try {
            Path file = Files.createTempFile("gatehouse-stored-policy", ".yml");
            Files.writeString(file, """
                upstreams:
                  svc:
                    targets: ["http://127.0.0.1:9"]
                routes:
                  - id: cached
                    match: { path: /cached/** }
                    upstream: svc
                    cache: { ttl: 60s }
                  - id: orders
                    match: { path: /orders/** }
                    upstream: svc
                    idempotency: {}
                """);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    void close() {
        context.close();
    }

    private PolicyExchange exchange(Request request) {
        RouteMatch match = context.getBean(GatewayState.class).current().table().match(request);
        PolicyExchange exchange = new PolicyExchange(match, request, "req-1", "127.0.0.1", false, false);
        exchange.requestBody("{}".getBytes(StandardCharsets.UTF_8));
        return exchange;
    }

    private PolicyChain chain(PolicyExchange exchange) {
        return context.getBean(PolicyChains.class).chain(exchange.match().route());
    }

    @Test
    void cacheWithRedisDown_thenAMissThatGoesOn() {
        PolicyExchange exchange = exchange(new Request("GET", "/cached/a", Map.of()));
        PolicyChain chain = chain(exchange);
        assertTrue(chain.needsResponseBody(), "a cached route is served by the buffered engine");
        assertSame(PolicyResult.PROCEED, chain.request(exchange).toCompletableFuture().join());
        Head response = new Head(200, "body");
        chain.response(exchange, response);
        assertEquals("MISS", response.header("X-Cache"));
    }

    @Test
    void idempotencyWithRedisDown_then503AndNotForwarded() {
        PolicyExchange exchange = exchange(new Request("POST", "/orders/1", Map.of("idempotency-key", "k-1")));
        CompletableFuture<PolicyResult> decision = chain(exchange).request(exchange).toCompletableFuture();
        GatewayException refused = PolicyChain.refusal(assertThrows(CompletionException.class, decision::join));
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, refused.errorCode());
        assertEquals("idempotency_store_unavailable", refused.details().get("reason"));
        assertEquals("1", refused.headers().get("Retry-After"));
    }

    @Test
    void idempotencyWithoutAKeyAndRedisDown_thenGoesOn() {
        PolicyExchange exchange = exchange(new Request("POST", "/orders/1", Map.of()));
        assertSame(PolicyResult.PROCEED, chain(exchange).request(exchange).toCompletableFuture().join());
    }

    /**
     * A request as the route table and the policies see it.
     *
     * @param method  the method
     * @param path    the path
     * @param headers headers by lower-case name
     */
    private record Request(String method, String path, Map<String, String> headers) implements RequestView {
        @Override
        public String host() {
            return "api.example.com";
        }

        @Override
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public List<String> query(String name) {
            return List.of();
        }
    }

    /** A response as response-side steps see it. */
    private static final class Head implements ResponseHead {

        private final int status;
        private final byte[] body;
        private final Map<String, List<String>> headers = new LinkedHashMap<>();

        Head(int status, String body) {
            this.status = status;
            this.body = body.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public String header(String name) {
            List<String> values = headers(name);
            return values.isEmpty() ? null : values.getFirst();
        }

        @Override
        public List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        @Override
        public void set(String name, String value) {
            headers.put(name.toLowerCase(Locale.ROOT), new ArrayList<>(List.of(value)));
        }

        @Override
        public void add(String name, String value) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
        }

        @Override
        public void remove(String name) {
            headers.remove(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public List<String> names() {
            return new ArrayList<>(headers.keySet());
        }

        @Override
        public byte[] body() {
            return body;
        }
    }
}
