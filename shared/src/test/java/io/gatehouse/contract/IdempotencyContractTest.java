package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import com.sun.net.httpserver.HttpExchange;
import io.gatehouse.testing.TestTokens;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Idempotency-Key} on routes with {@code idempotency:}, the same on Netty (its buffered
 * engine) and both Lambda payloads, against a real loopback upstream that counts the calls each
 * key brought it, with records in memory and in the real Redis of the test run (under a key prefix
 * of this run's own). Each test uses keys of its own.
 *
 * <p>Proven: the first response replayed for a retry with the same key and body
 * ({@code Idempotent-Replayed: true}, nothing sent upstream), also by a second gateway instance
 * sharing Redis; the same key with another body, path or method 422; concurrent duplicates (many
 * threads, across two instances for Redis) give exactly one upstream call, every other one 409 with
 * {@code Retry-After}, then replay; a 5xx not kept, so the retry reaches the upstream; keys scoped
 * per principal; {@code required: true} refusing a request without a key 400; a malformed key 400;
 * PATCH handled as POST, GET left alone.
 */
public abstract class IdempotencyContractTest extends StoredPolicyContractBase {

    private static final int DUPLICATES = 12;

    /** What the upstream's {@code hold} paths wait for; a new one per race. */
    private volatile CountDownLatch release = new CountDownLatch(0);

    /** Routes the suite's requests to the counting upstream, under {@code /mem}, {@code /redis}, {@code /required} and {@code /jwt}. */
    protected IdempotencyContractTest() {
        super("idempotency", List.of("/mem/", "/redis/", "/required/", "/jwt/"));
    }

    @AfterAll
    void releaseHeldRequests() {
        release.countDown();
    }

    @Override
    protected String routes(String upstreamUrl) {
        return """
            upstreams:
              svc:
                targets: ["%s"]
            routes:
              - id: orders-memory
                match: { path: "/mem/**" }
                upstream: svc
                idempotency: { store: memory }
              - id: orders-redis
                match: { path: "/redis/**" }
                upstream: svc
                idempotency: { ttl: 1h, store: redis }
              - id: orders-required
                match: { path: "/required/**" }
                upstream: svc
                idempotency: { required: true }
              - id: orders-jwt
                match: { path: "/jwt/**" }
                upstream: svc
                auth: jwt
                idempotency: {}
            """.formatted(upstreamUrl);
    }

    /**
     * The upstream: counts the calls per {@code Idempotency-Key} (or per path without one) and
     * answers 201 with that count, the path and the body; {@code /<root>/fail-once/...} answers 503
     * to its first call; {@code /<root>/hold/...} answers only once the test releases it.
     */
    @Override
    protected void answer(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        String path = exchange.getRequestURI().getPath();
        int n = called(key == null ? path : key);
        String kind = path.split("/")[2];
        if (kind.equals("hold")) {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int status = kind.equals("fail-once") && n == 1 ? 503 : 201;
        String body = "{\"call\":" + n + ",\"method\":\"" + exchange.getRequestMethod() + "\",\"path\":\"" + path + "\",\"body\":\""
            + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + "\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Location", path + "/" + n);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static ContractRequest post(String path, String key, String body) {
        return ContractRequest.of("POST", path).header("Idempotency-Key", key).body("application/json", body);
    }

    /**
     * Sends a retry to an instance other than the one that answered the first request. The record
     * replaces the lock in Redis before that answer leaves, but the write is not awaited: for an
     * instant another instance may still see the lock, and answers 409 as a client would be
     * answered. A client retries then; so does this, for at most ten seconds.
     */
    private static ContractResponse retryWhileInFlight(GatewayTransport gateway, ContractRequest request) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ContractResponse response = gateway.send(request);
        while (response.status() == 409 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            response = gateway.send(request);
        }
        return response;
    }

    private static void assertReplayed(ContractResponse response) {
        assertEquals("true", response.header("Idempotent-Replayed").orElse(null), response.status() + " " + response.text());
    }

    private static void assertNotReplayed(ContractResponse response) {
        assertTrue(response.header("Idempotent-Replayed").isEmpty(), response.headers().toString());
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }

    @ParameterizedTest(name = "store {0}")
    @ValueSource(strings = {"mem", "redis"})
    void retryWithTheSameKeyAndBody_thenTheFirstResponseReplayed(String root) {
        String key = key();
        ContractResponse first = send(post("/" + root + "/orders", key, "{\"sku\":1}"));
        assertEquals(201, first.status(), first.text());
        assertNotReplayed(first);
        ContractResponse retry = send(post("/" + root + "/orders", key, "{\"sku\":1}"));
        assertEquals(201, retry.status());
        assertReplayed(retry);
        assertEquals(first.text(), retry.text());
        assertEquals(first.header("Location"), retry.header("Location"));
        assertEquals("application/json", retry.mediaType());
        assertEquals(1, calls(key));
    }

    @Test
    void quotedKey_thenTheSameKeyAsUnquoted() {
        String key = key();
        assertEquals(201, send(post("/mem/orders", "\"" + key + "\"", "{}")).status());
        assertReplayed(send(post("/mem/orders", key, "{}")));
        assertEquals(1, calls("\"" + key + "\""), "the upstream receives the key as the first request sent it");
        assertEquals(0, calls(key));
    }

    @Test
    void redisRecord_thenReplayedByAnotherInstanceOfTheGateway() throws InterruptedException {
        String key = key();
        ContractResponse first = send(post("/redis/orders", key, "{\"sku\":2}"));
        assertEquals(201, first.status());
        try (GatewayTransport other = runtime().start(properties())) {
            ContractResponse retry = retryWhileInFlight(other, post("/redis/orders", key, "{\"sku\":2}"));
            assertReplayed(retry);
            assertEquals(first.text(), retry.text());
        }
        assertEquals(1, calls(key));
    }

    @ParameterizedTest(name = "store {0}")
    @ValueSource(strings = {"mem", "redis"})
    void sameKeyWithAnotherRequest_then422AndNoUpstreamCall(String root) {
        String key = key();
        assertEquals(201, send(post("/" + root + "/orders", key, "{\"sku\":1}")).status());
        List<ContractRequest> others = List.of(
            post("/" + root + "/orders", key, "{\"sku\":2}"),
            post("/" + root + "/orders/other", key, "{\"sku\":1}"),
            post("/" + root + "/orders?dry-run=true", key, "{\"sku\":1}"),
            ContractRequest.of("PATCH", "/" + root + "/orders").header("Idempotency-Key", key).body("application/json", "{\"sku\":1}"));
        for (ContractRequest other : others) {
            JsonNode error = assertEnvelope(send(other), 422, "unprocessable_content");
            assertEquals("idempotency_key_reused", error.get("details").get("reason").getStringValue());
        }
        assertEquals(1, calls(key));
    }

    @ParameterizedTest(name = "store {0}")
    @ValueSource(strings = {"mem", "redis"})
    void concurrentDuplicates_thenExactlyOneUpstreamCallAndTheRest409(String root) throws Exception {
        race(List.of(gateway), "/" + root + "/hold/orders");
    }

    @Test
    void concurrentDuplicatesOnTwoInstancesSharingRedis_thenExactlyOneUpstreamCall() throws Exception {
        try (GatewayTransport other = runtime().start(properties())) {
            race(List.of(gateway, other), "/redis/hold/orders");
        }
    }

    /**
     * Sends {@link #DUPLICATES} identical requests at once, spread over the gateways, while the
     * upstream holds the first one; releases it only when every other has been answered (or after
     * a minute, so that a wrong gateway fails the assertions instead of hanging the build).
     */
    private void race(List<GatewayTransport> gateways, String path) throws Exception {
        String key = key();
        release = new CountDownLatch(1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger answered = new AtomicInteger();
        List<Future<ContractResponse>> responses = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(DUPLICATES)) {
            for (int i = 0; i < DUPLICATES; i++) {
                GatewayTransport target = gateways.get(i % gateways.size());
                responses.add(threads.submit(() -> {
                    start.await();
                    ContractResponse response = target.send(post(path, key, "{\"sku\":7}"));
                    answered.incrementAndGet();
                    return response;
                }));
            }
            start.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (answered.get() < DUPLICATES - 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            release.countDown();
            int created = 0;
            int conflicts = 0;
            for (Future<ContractResponse> future : responses) {
                ContractResponse response = future.get(60, TimeUnit.SECONDS);
                if (response.status() == 201) {
                    created++;
                } else {
                    JsonNode error = assertEnvelope(response, 409, "conflict");
                    assertEquals("idempotency_key_in_flight", error.get("details").get("reason").getStringValue());
                    assertEquals("1", response.header("Retry-After").orElse(null));
                    conflicts++;
                }
            }
            assertEquals(1, created);
            assertEquals(DUPLICATES - 1, conflicts);
        }
        assertEquals(1, calls(key));
        ContractResponse retry = retryWhileInFlight(gateways.getLast(), post(path, key, "{\"sku\":7}"));
        assertEquals(201, retry.status());
        assertReplayed(retry);
        assertEquals(1, calls(key));
    }

    @ParameterizedTest(name = "store {0}")
    @ValueSource(strings = {"mem", "redis"})
    void serverError_thenNotKeptAndTheRetryReachesTheUpstream(String root) {
        String key = key();
        assertEquals(503, send(post("/" + root + "/fail-once/orders", key, "{}")).status());
        ContractResponse retry = send(post("/" + root + "/fail-once/orders", key, "{}"));
        assertEquals(201, retry.status());
        assertNotReplayed(retry);
        ContractResponse replay = send(post("/" + root + "/fail-once/orders", key, "{}"));
        assertReplayed(replay);
        assertEquals(retry.text(), replay.text());
        assertEquals(2, calls(key));
    }

    @Test
    void twoPrincipalsWithTheSameKey_thenNeitherSeesTheOthersResponse() {
        String key = key();
        String alice = "Bearer " + TestTokens.hmac(TestTokens.claims("alice").build(), JWSAlgorithm.HS256);
        String bob = "Bearer " + TestTokens.hmac(TestTokens.claims("bob").build(), JWSAlgorithm.HS256);
        ContractResponse aliceFirst = send(post("/jwt/orders", key, "{}").header("Authorization", alice));
        ContractResponse bobFirst = send(post("/jwt/orders", key, "{}").header("Authorization", bob));
        assertEquals(201, aliceFirst.status());
        assertEquals(201, bobFirst.status());
        assertNotReplayed(bobFirst);
        assertNotEquals(aliceFirst.text(), bobFirst.text());
        ContractResponse aliceRetry = send(post("/jwt/orders", key, "{}").header("Authorization", alice));
        assertReplayed(aliceRetry);
        assertEquals(aliceFirst.text(), aliceRetry.text());
        assertEquals(2, calls(key));
    }

    @Test
    void requiredWithoutKey_then400AndNoUpstreamCall() {
        JsonNode error = assertEnvelope(send(ContractRequest.of("POST", "/required/orders").body("application/json", "{}")),
            400, "bad_request");
        assertEquals("idempotency_key_missing", error.get("details").get("reason").getStringValue());
        assertEquals("Idempotency-Key", error.get("details").get("header").getStringValue());
        assertEquals(0, calls("/required/orders"));
        String key = key();
        assertEquals(201, send(post("/required/orders", key, "{}")).status());
        assertEquals(1, calls(key));
    }

    @Test
    void optionalWithoutKey_thenForwardedEveryTime() {
        for (int i = 1; i <= 2; i++) {
            ContractResponse response = send(ContractRequest.of("POST", "/mem/no-key").body("application/json", "{}"));
            assertEquals(201, response.status());
            assertNotReplayed(response);
        }
        assertEquals(2, calls("/mem/no-key"));
    }

    @Test
    void malformedKey_then400() {
        for (String bad : List.of("x".repeat(256), "\"\"", "a\"b")) {
            JsonNode error = assertEnvelope(send(post("/mem/orders", bad, "{}")), 400, "bad_request");
            assertEquals("idempotency_key_invalid", error.get("details").get("reason").getStringValue(), bad);
        }
        ContractResponse twice = send(post("/mem/orders", key(), "{}").header("Idempotency-Key", key()));
        assertEquals("idempotency_key_invalid", assertEnvelope(twice, 400, "bad_request").get("details").get("reason").getStringValue());
    }

    @Test
    void patch_thenReplayedLikePost() {
        String key = key();
        ContractRequest patch = ContractRequest.of("PATCH", "/mem/orders/1").header("Idempotency-Key", key)
            .body("application/json", "{\"qty\":3}");
        assertEquals(201, send(patch).status());
        assertReplayed(send(patch));
        assertEquals(1, calls(key));
    }

    @Test
    void getWithAKey_thenLeftAlone() {
        String key = key();
        for (int i = 0; i < 2; i++) {
            ContractResponse response = send(ContractRequest.get("/mem/orders").header("Idempotency-Key", key));
            assertEquals(201, response.status());
            assertNotReplayed(response);
        }
        assertEquals(2, calls(key));
    }
}
