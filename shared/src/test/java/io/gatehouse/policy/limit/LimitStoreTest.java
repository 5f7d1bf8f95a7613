package io.gatehouse.policy.limit;

import io.gatehouse.testing.Await;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded default: buckets in this instance's memory, decided at once (completed stages, no
 * Redis), and dropped once full again, so memory follows the callers that are still limited.
 */
class LimitStoreTest {

    private static LimitStore memory() {
        RateLimitConfiguration configuration = new RateLimitConfiguration();
        configuration.setStore(RateLimitConfiguration.Store.MEMORY);
        return new LimitStore(configuration, "redis://ignored-when-memory:6379", null, null);
    }

    @Test
    void memoryStore_thenCountsAtOnceAndRefuses() {
        LimitStore store = memory();
        assertNull(store.redisTarget());
        LimitRule rule = new LimitRule(2, Window.HOUR, 2, LimitRule.By.IP, null, null);
        for (long remaining = 1; remaining >= 0; remaining--) {
            var outcome = store.consume("k", rule.bucket(), OnStoreFailure.ALLOW_LOCAL);
            assertTrue(outcome.isDone(), "memory decides without waiting");
            assertTrue(outcome.join().isConsumed());
            assertEquals(remaining, outcome.join().getRemainingTokens());
        }
        assertFalse(store.consume("k", rule.bucket(), OnStoreFailure.ALLOW_LOCAL).join().isConsumed());
        assertTrue(store.consume("other", rule.bucket(), OnStoreFailure.ALLOW_LOCAL).join().isConsumed(), "another key, another bucket");
        store.close();
    }

    @Test
    void sweep_thenDropsOnlyBucketsThatAreFullAgain() {
        LimitStore store = memory();
        LimitRule slow = new LimitRule(2, Window.HOUR, 2, LimitRule.By.IP, null, null);
        LimitRule fast = new LimitRule(1000, Window.SECOND, 1000, LimitRule.By.IP, null, null);
        store.consume("slow", slow.bucket(), OnStoreFailure.ALLOW_LOCAL).join();
        store.consume("fast", fast.bucket(), OnStoreFailure.ALLOW_LOCAL).join();
        assertEquals(2, store.localBuckets());
        assertTrue(Await.millisUntil(() -> {
            store.sweep();
            return store.localBuckets() == 1;
        }, 5000) >= 0, "the refilled bucket was never dropped");
        assertEquals(1, store.available("slow", slow.bucket()).join(), "the bucket still in use stays");
        store.close();
    }
}
