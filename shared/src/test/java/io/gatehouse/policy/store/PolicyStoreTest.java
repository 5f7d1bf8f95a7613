package io.gatehouse.policy.store;

import io.gatehouse.testing.Await;
import io.gatehouse.testing.TestServices;
import io.gatehouse.testing.TestUpstream;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same store contract in memory and in the real Redis of the test run (under a key prefix of
 * this run's own): expiry, the atomic put-if-absent that idempotency relies on (of many threads
 * racing, exactly one stores), replace and remove only of the value expected, the memory store's
 * bound in bytes, and a Redis that does not answer failing the stage within the timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyStoreTest {

    private final RedisClient client = RedisClient.create();
    private final PolicyRedis redis = new PolicyRedis(TestServices.redisUri(), () -> client);
    private final String prefix = "test:store:" + UUID.randomUUID();
    private final PolicyStore inRedis = new RedisStore(redis, prefix, Duration.ofSeconds(10), "store test");
    private final PolicyStore inMemory = new MemoryStore(1024 * 1024);

    @AfterAll
    void close() {
        redis.close();
        client.shutdown();
    }

    private PolicyStore store(String kind) {
        return kind.equals("redis") ? inRedis : inMemory;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    void putThenGet_thenTheValueUntilItExpires(String kind) {
        PolicyStore store = store(kind);
        String key = UUID.randomUUID().toString();
        assertNull(join(store.get(key)));
        join(store.put(key, bytes("v1"), Duration.ofMillis(300)));
        assertArrayEquals(bytes("v1"), join(store.get(key)));
        Await.until("the entry expires", Duration.ofSeconds(10), () -> join(store.get(key)) == null);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    void putIfAbsentRacingThreads_thenExactlyOneStores(String kind) throws Exception {
        PolicyStore store = store(kind);
        String key = UUID.randomUUID().toString();
        int threads = 32;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<byte[]>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                byte[] value = bytes("v" + i);
                results.add(pool.submit(() -> {
                    start.await();
                    return join(store.putIfAbsent(key, value, Duration.ofMinutes(1)));
                }));
            }
            start.countDown();
            int stored = 0;
            List<byte[]> seen = new ArrayList<>();
            for (Future<byte[]> result : results) {
                byte[] held = result.get(30, TimeUnit.SECONDS);
                if (held == null) {
                    stored++;
                } else {
                    seen.add(held);
                }
            }
            assertEquals(1, stored);
            byte[] winner = join(store.get(key));
            seen.forEach(held -> assertArrayEquals(winner, held));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    void putIfAbsentAfterExpiry_thenStoresAgain(String kind) {
        PolicyStore store = store(kind);
        String key = UUID.randomUUID().toString();
        assertNull(join(store.putIfAbsent(key, bytes("lock"), Duration.ofMillis(200))));
        assertArrayEquals(bytes("lock"), join(store.putIfAbsent(key, bytes("other"), Duration.ofMinutes(1))));
        Await.until("the lock expires", Duration.ofSeconds(10), () -> join(store.get(key)) == null);
        assertNull(join(store.putIfAbsent(key, bytes("next"), Duration.ofMinutes(1))));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    void replaceAndRemove_thenOnlyOfTheExpectedValue(String kind) {
        PolicyStore store = store(kind);
        String key = UUID.randomUUID().toString();
        join(store.put(key, bytes("lock-a"), Duration.ofMinutes(1)));
        assertFalse(join(store.replace(key, bytes("lock-b"), bytes("done"), Duration.ofMinutes(1))));
        assertFalse(join(store.remove(key, bytes("lock-b"))));
        assertArrayEquals(bytes("lock-a"), join(store.get(key)));
        assertTrue(join(store.replace(key, bytes("lock-a"), bytes("done"), Duration.ofMinutes(1))));
        assertArrayEquals(bytes("done"), join(store.get(key)));
        assertFalse(join(store.remove(key, bytes("lock-a"))));
        assertTrue(join(store.remove(key, bytes("done"))));
        assertNull(join(store.get(key)));
        assertFalse(join(store.replace(key, bytes("done"), bytes("again"), Duration.ofMinutes(1))));
    }

    @Test
    void memoryStoreOverItsBound_thenOldEntriesDropped() {
        MemoryStore store = new MemoryStore(64 * 1024);
        byte[] value = new byte[1024];
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            String key = "k" + i;
            keys.add(key);
            join(store.put(key, value, Duration.ofMinutes(1)));
        }
        Await.until("the store shrinks to its bound", Duration.ofSeconds(10), () -> {
            long held = keys.stream().filter(k -> join(store.get(k)) != null).count();
            return held * (value.length + MemoryStore.ENTRY_OVERHEAD) <= 64 * 1024;
        });
    }

    @Test
    void redisThatDoesNotAnswer_thenTheStageFailsWithinTheTimeout() {
        RedisClient unreachable = RedisClient.create();
        PolicyRedis closed = new PolicyRedis("redis://127.0.0.1:" + TestUpstream.closedPort(), () -> unreachable);
        try {
            PolicyStore store = new RedisStore(closed, prefix, Duration.ofSeconds(5), "store test");
            CompletionException failed = assertThrows(CompletionException.class, () -> join(store.get("k")));
            assertInstanceOf(Exception.class, failed.getCause());
            assertThrows(CompletionException.class, () -> join(store.putIfAbsent("k", bytes("v"), Duration.ofMinutes(1))));
        } finally {
            closed.close();
            unreachable.shutdown();
        }
    }

    @Test
    void noRedisUri_thenNotConfiguredAndNothingConnects() {
        PolicyRedis none = new PolicyRedis(" ", () -> {
            throw new AssertionError("no client is needed without redis.uri");
        });
        assertFalse(none.configured());
        none.warm();
        assertThrows(CompletionException.class, () -> join(none.commands()));
    }
}
