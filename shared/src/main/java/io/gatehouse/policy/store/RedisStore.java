package io.gatehouse.policy.store;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A {@link PolicyStore} in Redis, shared by every instance: keys are {@code <prefix>:<key>},
 * values expire with {@code PX}. The conditional operations are Lua scripts, so each is atomic on
 * the server (any Redis from 2.6 on; no {@code SET ... NX GET}, which needs 7.0). Every command is
 * bounded by the store's timeout; a failure is logged once when Redis becomes unreachable and once
 * when it is back, not per request.
 */
public final class RedisStore implements PolicyStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);

    /** Returns the value held, or stores ARGV[1] for ARGV[2] ms and returns false. */
    private static final String PUT_IF_ABSENT = """
        local held = redis.call('GET', KEYS[1])
        if held then return held end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return false""";

    /** Replaces ARGV[1] with ARGV[2] for ARGV[3] ms; 1 when done. */
    private static final String REPLACE = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
          return 1
        end
        return 0""";

    /** Deletes the key when it holds ARGV[1]; 1 when done. */
    private static final String REMOVE = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          return 1
        end
        return 0""";

    private final PolicyRedis redis;
    private final String prefix;
    private final long timeoutMillis;
    private final String purpose;
    private final AtomicBoolean reachable = new AtomicBoolean(true);

    /**
     * @param redis   the connection
     * @param prefix  the key prefix, such as {@code gatehouse:cache}
     * @param timeout the bound on each command
     * @param purpose what the store holds, for the log (such as {@code response cache})
     */
    public RedisStore(PolicyRedis redis, String prefix, Duration timeout, String purpose) {
        this.redis = redis;
        this.prefix = prefix.endsWith(":") ? prefix : prefix + ":";
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.purpose = purpose;
    }

    @Override
    public StoreKind kind() {
        return StoreKind.REDIS;
    }

    /**
     * The store a route gets: Redis when it asks for it or says nothing and Redis is configured,
     * otherwise memory. A route that gets Redis starts the connection, without waiting for it.
     *
     * @param wanted the route's {@code store}, or {@code null}
     * @param memory the in-memory store
     * @param redis  the Redis store, or {@code null} when {@code redis.uri} is not configured
     * @return the store to use
     */
    public static PolicyStore choose(StoreKind wanted, PolicyStore memory, RedisStore redis) {
        if (wanted == StoreKind.MEMORY || redis == null) {
            return memory;
        }
        redis.redis.warm();
        return redis;
    }

    @Override
    public CompletionStage<byte[]> get(String key) {
        return run(commands -> commands.get(key(key)));
    }

    @Override
    public CompletionStage<Void> put(String key, byte[] value, Duration ttl) {
        return run(commands -> commands.set(key(key), value, SetArgs.Builder.px(millis(ttl)))).thenApply(ok -> null);
    }

    @Override
    public CompletionStage<byte[]> putIfAbsent(String key, byte[] value, Duration ttl) {
        return run(commands -> commands.<byte[]>eval(PUT_IF_ABSENT, ScriptOutputType.VALUE, new byte[][] {key(key)},
            value, ascii(millis(ttl))));
    }

    @Override
    public CompletionStage<Boolean> replace(String key, byte[] expected, byte[] value, Duration ttl) {
        return run(commands -> commands.<Long>eval(REPLACE, ScriptOutputType.INTEGER, new byte[][] {key(key)},
            expected, value, ascii(millis(ttl)))).thenApply(done -> done != null && done == 1L);
    }

    @Override
    public CompletionStage<Boolean> remove(String key, byte[] expected) {
        return run(commands -> commands.<Long>eval(REMOVE, ScriptOutputType.INTEGER, new byte[][] {key(key)}, expected))
            .thenApply(done -> done != null && done == 1L);
    }

    private <T> CompletionStage<T> run(Function<RedisAsyncCommands<byte[], byte[]>, CompletionStage<T>> command) {
        CompletableFuture<T> result = redis.commands().thenCompose(command).toCompletableFuture()
            .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
        return result.whenComplete((value, error) -> {
            if (error == null) {
                if (reachable.compareAndSet(false, true)) {
                    LOG.info("Redis answers the {} again", purpose);
                }
            } else if (reachable.compareAndSet(true, false)) {
                LOG.warn("Redis does not answer for the {}: {}", purpose, describe(error));
            }
        });
    }

    private byte[] key(String key) {
        return (prefix + key).getBytes(StandardCharsets.UTF_8);
    }

    private static long millis(Duration ttl) {
        return Math.max(1, ttl.toMillis());
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
