package io.gatehouse.container;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.ContractTestBase;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.testing.TestServices;
import io.gatehouse.testing.TestUpstream;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway instances (two Netty servers, each with its own application context) share one
 * budget in the real Redis: under concurrent load through both, the requests admitted are the
 * limit's, within 1%. The window is an hour, so what refills during the run (under 0.3 of a
 * request a second) stays well inside that margin; a refusal is always 429, never another error.
 */
class SharedRateLimitTest {

    private static final int LIMIT = 1000;
    private static final int SENT = 2400;
    private static final int CLIENTS = 24;

    @Test
    void twoInstancesUnderConcurrentLoad_thenTheirAdmittedRequestsAreTheLimitWithinOnePercent() throws Exception {
        try (TestUpstream upstream = TestUpstream.start().handle("/shared", exchange -> {
            byte[] body = "upstream ok".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        })) {
            Path file = Files.createTempFile("gatehouse-shared-limit", ".yml");
            file.toFile().deleteOnExit();
            Files.writeString(file, """
                upstreams:
                  svc: { targets: ["%s"] }
                routes:
                  - id: shared
                    match: { path: "/shared/**" }
                    upstream: svc
                    limits: [ { by: route, requests: %d, per: hour } ]
                """.formatted(upstream.url(), LIMIT));
            Map<String, Object> properties = Map.of(
                "spec.name", ContractTestBase.SPEC,
                "gateway.config-file", file.toString(),
                "gateway.rate-limit.redis-uri", TestServices.redisUri(),
                "gateway.rate-limit.redis-prefix", "test:shared-limit:" + UUID.randomUUID(),
                // The count must come from Redis alone: no call may time out into the local fallback on a busy machine.
                "gateway.rate-limit.store-timeout", "10s");
            try (GatewayTransport one = new NettyRuntime().start(properties);
                 GatewayTransport two = new NettyRuntime().start(properties);
                 ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
                AtomicInteger admitted = new AtomicInteger();
                AtomicInteger refused = new AtomicInteger();
                List<String> other = java.util.Collections.synchronizedList(new ArrayList<>());
                List<Future<?>> done = new ArrayList<>();
                AtomicInteger next = new AtomicInteger();
                for (int c = 0; c < CLIENTS; c++) {
                    done.add(clients.submit(() -> {
                        for (int i = next.getAndIncrement(); i < SENT; i = next.getAndIncrement()) {
                            ContractResponse response = (i % 2 == 0 ? one : two).send(ContractRequest.get("/shared/" + i));
                            switch (response.status()) {
                                case 200 -> admitted.incrementAndGet();
                                case 429 -> refused.incrementAndGet();
                                default -> other.add(response.status() + " " + response.text());
                            }
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                assertEquals(List.of(), other, "every answer is 200 or 429");
                assertEquals(SENT, admitted.get() + refused.get());
                int count = admitted.get();
                assertTrue(count >= LIMIT && count <= LIMIT + LIMIT / 100,
                    "admitted " + count + " of " + SENT + " through two instances; the limit is " + LIMIT);
                assertEquals(count, upstream.requests(), "only admitted requests reach the upstream");
                for (GatewayTransport gateway : List.of(one, two)) {
                    String metrics = gateway.send(ContractRequest.get("/metrics")).text();
                    assertTrue(metrics.contains("gatehouse_rate_limit_store_degraded 0.0"), "the store never failed:\n" + metrics);
                }
            }
        }
    }
}
