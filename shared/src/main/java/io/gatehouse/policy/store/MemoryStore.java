package io.gatehouse.policy.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link PolicyStore} in this instance's memory: a Caffeine cache bounded by the bytes it holds
 * (keys, values and a fixed overhead per entry), each entry expiring at its own time. When the
 * bound is reached the entries least likely to be used again go first (Caffeine's W-TinyLFU, close
 * to LRU for these workloads). Every operation completes at once.
 */
public final class MemoryStore implements PolicyStore {

    /** What an entry costs besides its key and value, in bytes (the node, the holder, the array header). */
    static final int ENTRY_OVERHEAD = 96;

    private static final CompletableFuture<Boolean> TRUE = CompletableFuture.completedFuture(true);
    private static final CompletableFuture<Boolean> FALSE = CompletableFuture.completedFuture(false);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Cache<String, Held> entries;

    /**
     * @param maxBytes the most bytes the entries may take together
     */
    public MemoryStore(long maxBytes) {
        this.entries = Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((String key, Held held) -> weight(key, held))
            .expireAfter(new Expiry<String, Held>() {
                @Override
                public long expireAfterCreate(String key, Held held, long now) {
                    return Math.max(0, held.expiresAt() - now);
                }

                @Override
                public long expireAfterUpdate(String key, Held held, long now, long current) {
                    return Math.max(0, held.expiresAt() - now);
                }

                @Override
                public long expireAfterRead(String key, Held held, long now, long current) {
                    return current;
                }
            })
            .build();
    }

    private static int weight(String key, Held held) {
        long weight = (long) key.length() * 2 + held.value().length + ENTRY_OVERHEAD;
        return (int) Math.min(Integer.MAX_VALUE, weight);
    }

    /** A value and the {@link System#nanoTime()} it expires at. */
    private record Held(byte[] value, long expiresAt) {

        static Held of(byte[] value, Duration ttl) {
            return new Held(value, System.nanoTime() + ttl.toNanos());
        }

        boolean live() {
            return expiresAt - System.nanoTime() > 0;
        }
    }

    @Override
    public StoreKind kind() {
        return StoreKind.MEMORY;
    }

    @Override
    public CompletionStage<byte[]> get(String key) {
        Held held = entries.getIfPresent(key);
        return CompletableFuture.completedFuture(held == null || !held.live() ? null : held.value());
    }

    @Override
    public CompletionStage<Void> put(String key, byte[] value, Duration ttl) {
        entries.put(key, Held.of(value, ttl));
        return DONE;
    }

    @Override
    public CompletionStage<byte[]> putIfAbsent(String key, byte[] value, Duration ttl) {
        Held fresh = Held.of(value, ttl);
        Held[] prior = new Held[1];
        entries.asMap().compute(key, (k, held) -> {
            if (held != null && held.live()) {
                prior[0] = held;
                return held;
            }
            return fresh;
        });
        return CompletableFuture.completedFuture(prior[0] == null ? null : prior[0].value());
    }

    @Override
    public CompletionStage<Boolean> replace(String key, byte[] expected, byte[] value, Duration ttl) {
        boolean[] replaced = new boolean[1];
        entries.asMap().computeIfPresent(key, (k, held) -> {
            if (held.live() && Arrays.equals(held.value(), expected)) {
                replaced[0] = true;
                return Held.of(value, ttl);
            }
            return held;
        });
        return replaced[0] ? TRUE : FALSE;
    }

    @Override
    public CompletionStage<Boolean> remove(String key, byte[] expected) {
        boolean[] removed = new boolean[1];
        entries.asMap().computeIfPresent(key, (k, held) -> {
            if (Arrays.equals(held.value(), expected)) {
                removed[0] = true;
                return null;
            }
            return held;
        });
        return removed[0] ? TRUE : FALSE;
    }
}
