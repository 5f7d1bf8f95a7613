package io.gatehouse.policy.store;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The Redis connection of the stored policies ({@code redis.uri}, the project's Lettuce client),
 * with a binary codec: stored responses are bytes. Nothing connects before the first use, and the
 * connection is opened without blocking the caller, so a Lambda cold start succeeds with Redis
 * down and an event loop never waits for a connect; a failed connect is tried again on a use at
 * least a second later. Once open, Lettuce reconnects by itself.
 */
@Internal
@Singleton
public final class PolicyRedis {

    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String uri;
    private final BeanProvider<RedisClient> client;
    private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection;
    private long failedAt;

    PolicyRedis(@Nullable @Property(name = "redis.uri") String uri, BeanProvider<RedisClient> client) {
        this.uri = uri == null || uri.isBlank() ? null : uri.trim();
        this.client = client;
    }

    /**
     * @return whether {@code redis.uri} is configured
     */
    public boolean configured() {
        return uri != null;
    }

    /**
     * Starts connecting, without waiting, so that the first request does not pay for it: called
     * when a route that stores in Redis comes into force.
     */
    public void warm() {
        if (uri != null) {
            connection();
        }
    }

    /**
     * @return the asynchronous commands, once connected; a failed stage when Redis cannot be reached
     */
    CompletionStage<RedisAsyncCommands<byte[], byte[]>> commands() {
        return connection().thenApply(StatefulRedisConnection::async);
    }

    private synchronized CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection() {
        if (uri == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("redis.uri is not configured"));
        }
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> current = connection;
        if (current != null && !(current.isCompletedExceptionally() && System.nanoTime() - failedAt > RETRY_NANOS)) {
            return current;
        }
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> opening;
        try {
            opening = client.get().connectAsync(ByteArrayCodec.INSTANCE, RedisURI.create(uri)).toCompletableFuture();
        } catch (RuntimeException e) {
            opening = CompletableFuture.failedFuture(e);
        }
        opening.whenComplete((open, error) -> {
            if (error != null) {
                failed();
            }
        });
        connection = opening;
        return opening;
    }

    private synchronized void failed() {
        failedAt = System.nanoTime();
    }

    @PreDestroy
    synchronized void close() {
        if (connection != null) {
            connection.thenAccept(StatefulRedisConnection::closeAsync);
        }
    }
}
