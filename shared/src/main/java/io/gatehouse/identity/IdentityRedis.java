package io.gatehouse.identity;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Redis for the identity views, when {@code redis.uri} is configured. Nothing connects before the
 * first use: a Lambda cold start succeeds with Redis down, and a failed connection is tried again
 * on the next use.
 */
@Internal
@Singleton
public class IdentityRedis {

    private final boolean configured;
    private final BeanProvider<StatefulRedisConnection<String, String>> connection;
    private final BeanProvider<RedisClient> client;
    private final String prefix;
    private final Duration timeout;
    private volatile RedisAsyncCommands<String, String> commands;

    IdentityRedis(@Nullable @Property(name = "redis.uri") String uri,
                  BeanProvider<StatefulRedisConnection<String, String>> connection,
                  BeanProvider<RedisClient> client,
                  IdentitySyncConfiguration configuration) {
        this.configured = uri != null && !uri.isBlank();
        this.connection = connection;
        this.client = client;
        this.prefix = configuration.getRedisPrefix();
        this.timeout = configuration.getTimeout();
    }

    /**
     * @return whether Redis is configured
     */
    public boolean configured() {
        return configured;
    }

    /**
     * @return the shared connection's asynchronous commands (connects on first use)
     */
    public RedisAsyncCommands<String, String> async() {
        if (!configured) {
            throw new IllegalStateException("redis.uri is not configured");
        }
        RedisAsyncCommands<String, String> known = commands;
        if (known == null) {
            // Looked up once: a bean lookup per command showed in the session intake's profile. A
            // failed connect throws here and is tried again on the next call.
            known = connection.get().async();
            commands = known;
        }
        return known;
    }

    /**
     * @return the client, to open a pub/sub connection
     */
    public RedisClient client() {
        return client.get();
    }

    /**
     * @param suffix the key's own part
     * @return {@code <prefix>:<suffix>}
     */
    public String key(String suffix) {
        return prefix + ":" + suffix;
    }

    /**
     * @return the pub/sub channel changes are announced on
     */
    public String channel() {
        return key("changes");
    }

    /**
     * Waits for a command, at most the configured timeout.
     *
     * @param stage the command's result
     * @param <T>   its type
     * @return the result
     * @throws Exception the command's failure, or a timeout
     */
    public <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("Redis did not answer within " + timeout.toMillis() + " ms");
        }
    }
}
