package io.gatehouse.policy.limit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where the token buckets of every limit live: Bucket4j buckets in Redis, shared by every
 * instance and Lambda environment, when a Redis is configured ({@code gateway.rate-limit.redis-uri},
 * else the gateway's {@code redis.uri} through its Lettuce client); in this instance's memory
 * otherwise. Nothing here blocks: a Redis bucket answers with a stage completed by Lettuce.
 *
 * <p>While Redis does not answer within {@code store-timeout}, each limit applies its
 * {@code on-store-failure}: {@code allow-local} counts in a memory bucket of the same shape,
 * {@code deny} fails with {@link StoreUnavailableException}. The change is logged once per
 * transition, counted in {@value #FAILURES} and shown by the {@value #DEGRADED} gauge and the
 * {@code rate-limit-store} health check; after {@code retry-interval} one request tries Redis
 * again, and its success ends the failure.
 */
@Internal
@Singleton
public final class LimitStore {

    /** Counter: Redis calls that failed or timed out. */
    static final String FAILURES = "gatehouse.rate_limit.store.failures";

    /** Counter: decisions taken without Redis, by {@code on-store-failure} ({@code mode} tag). */
    static final String FALLBACKS = "gatehouse.rate_limit.store.fallbacks";

    /** Gauge: 1 while Redis is failing and limits apply their {@code on-store-failure}, else 0. */
    static final String DEGRADED = "gatehouse.rate_limit.store.degraded";

    /** How long a Redis bucket lives after it is full again. */
    private static final Duration KEEP_FULL = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(LimitStore.class);

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** A memory bucket and its capacity, so a full one can be dropped. */
    private record Local(LocalBucket bucket, long capacity) {
    }

    private final RateLimitConfiguration configuration;
    private final @Nullable String redisTarget;
    private final @Nullable ClientResources ownResources;
    private final @Nullable RedisClient ownClient;
    private final @Nullable BeanProvider<RedisClient> sharedClient;
    private final @Nullable RedisURI redisUri;
    private final Map<String, Local> locals = new ConcurrentHashMap<>();
    /**
     * One Redis bucket proxy per key while it is in use, with Bucket4j's batching: requests that
     * arrive while a command for the same key is on its way to Redis go together in the next one.
     * Without it every request of a busy key (one consumer, one route) races the others' CAS and
     * retries, which costs a round trip each and collapses under concurrency. Batching changes
     * nothing of the count: each request still takes its own token.
     */
    private final Cache<String, Remote> remotes = Caffeine.newBuilder()
        .maximumSize(100_000).expireAfterAccess(Duration.ofSeconds(30)).build();

    private record Remote(AsyncProxyManager<String> manager, AsyncBucketProxy bucket) {
    }
    private final ScheduledExecutorService sweeper;
    private final long timeoutMillis;
    private final long retryNanos;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final Counter failures;
    private final Counter allowLocal;
    private final Counter denied;
    private volatile CompletableFuture<AsyncProxyManager<String>> redis;
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private volatile boolean failing;
    private volatile boolean used;
    private volatile long retryAt;
    private volatile String lastError;

    LimitStore(RateLimitConfiguration configuration, @Nullable @Property(name = "redis.uri") String gatewayRedis,
               BeanProvider<RedisClient> sharedClient, @Nullable MeterRegistry meters) {
        this.configuration = configuration;
        this.timeoutMillis = configuration.getStoreTimeout().toMillis();
        this.retryNanos = configuration.getRetryInterval().toNanos();
        String own = configuration.getRedisUri();
        String shared = gatewayRedis == null || gatewayRedis.isBlank() ? null : gatewayRedis.trim();
        boolean useRedis = switch (configuration.getStore()) {
            case MEMORY -> false;
            case REDIS -> {
                if (own == null && shared == null) {
                    throw new IllegalStateException(RateLimitConfiguration.PREFIX + ".store is redis, but neither "
                        + RateLimitConfiguration.PREFIX + ".redis-uri nor redis.uri is set");
                }
                yield true;
            }
            case AUTO -> own != null || shared != null;
        };
        if (!useRedis) {
            this.redisTarget = null;
            this.ownResources = null;
            this.ownClient = null;
            this.sharedClient = null;
            this.redisUri = null;
        } else if (own != null) {
            this.redisUri = RedisURI.create(own);
            this.redisTarget = redisUri.getHost() + ":" + redisUri.getPort();
            this.ownResources = ClientResources.builder()
                // Reconnect soon after Redis is back, not up to Lettuce's default 30 s later: limits are local until then.
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
            this.ownClient = RedisClient.create(ownResources, redisUri);
            // A request never waits for a reconnect: while disconnected, a command fails at once.
            ownClient.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            this.sharedClient = null;
        } else {
            this.redisUri = RedisURI.create(shared);
            this.redisTarget = redisUri.getHost() + ":" + redisUri.getPort();
            this.ownResources = null;
            this.ownClient = null;
            this.sharedClient = sharedClient;
        }
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("gatehouse-rate-limit-sweep")
            .factory());
        sweeper.scheduleWithFixedDelay(this::sweep, 60, 60, TimeUnit.SECONDS);
        if (meters != null) {
            this.failures = Counter.builder(FAILURES).description("Rate-limit store (Redis) calls that failed or timed out")
                .register(meters);
            this.allowLocal = Counter.builder(FALLBACKS).tag("mode", OnStoreFailure.ALLOW_LOCAL.key())
                .description("Rate-limit decisions taken without the store").register(meters);
            this.denied = Counter.builder(FALLBACKS).tag("mode", OnStoreFailure.DENY.key())
                .description("Rate-limit decisions taken without the store").register(meters);
            Gauge.builder(DEGRADED, this, s -> s.failing ? 1 : 0)
                .description("1 while the rate-limit store fails and limits apply on-store-failure").register(meters);
        } else {
            this.failures = null;
            this.allowLocal = null;
            this.denied = null;
        }
    }

    /**
     * Called when a route with limits is compiled: from then on the store is in use, and Redis is
     * connected to in the background, so the first request does not wait for it (a failure here is
     * tried again by the first request). A gateway without limits never connects.
     */
    void warmUp() {
        if (redisTarget == null || used) {
            return;
        }
        used = true;
        try {
            manager();
        } catch (RuntimeException e) {
            LOG.debug("The rate-limit store could not start connecting", e);
        }
    }

    /**
     * @return whether budgets are kept in Redis and a route has limits, so the health check applies
     */
    boolean inUse() {
        return redisTarget != null && used;
    }

    /**
     * @return {@code host:port} of the Redis the budgets are kept in, or {@code null} when they are kept in memory
     */
    public @Nullable String redisTarget() {
        return redisTarget;
    }

    /**
     * @return whether Redis is failing now, so limits apply their {@code on-store-failure}
     */
    public boolean failing() {
        return failing;
    }

    /**
     * @return why Redis last failed, or {@code null}
     */
    public @Nullable String lastError() {
        return lastError;
    }

    /**
     * Takes one request from a bucket, creating it full when it does not exist.
     *
     * @param key       the bucket's key
     * @param bucket    its configuration
     * @param onFailure what to do when Redis does not answer
     * @return the outcome; failed with {@link StoreUnavailableException} when Redis fails and the limit denies then
     */
    CompletableFuture<ConsumptionProbe> consume(String key, BucketConfiguration bucket, OnStoreFailure onFailure) {
        if (redisTarget == null) {
            return CompletableFuture.completedFuture(local(key, bucket).tryConsumeAndReturnRemaining(1));
        }
        boolean probe = false;
        if (failing) {
            if (System.nanoTime() - retryAt < 0 || !probing.compareAndSet(false, true)) {
                try {
                    return CompletableFuture.completedFuture(fallback(key, bucket, onFailure));
                } catch (CompletionException e) {
                    return CompletableFuture.failedFuture(e.getCause());
                }
            }
            probe = true;
        }
        boolean probed = probe;
        CompletableFuture<ConsumptionProbe> remote;
        try {
            remote = manager().thenCompose(m -> remote(m, key, bucket).tryConsumeAndReturnRemaining(1))
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            remote = CompletableFuture.failedFuture(e);
        }
        return remote.handle((outcome, error) -> {
            if (probed) {
                probing.set(false);
            }
            if (error == null) {
                recovered();
                return outcome;
            }
            failed(error);
            return fallback(key, bucket, onFailure);
        });
    }

    /**
     * Reads how many requests a bucket holds now, without taking one.
     *
     * @param key    the bucket's key
     * @param bucket its configuration
     * @return the requests available; a bucket that does not exist is full
     */
    CompletableFuture<Long> available(String key, BucketConfiguration bucket) {
        long capacity = bucket.getBandwidths()[0].getCapacity();
        if (redisTarget == null || failing) {
            Local local = locals.get(key);
            return CompletableFuture.completedFuture(local == null ? capacity : local.bucket().getAvailableTokens());
        }
        return manager().thenCompose(m -> m.getProxyConfiguration(key).thenCompose(existing -> existing.isEmpty()
                ? CompletableFuture.completedFuture(capacity)
                : m.builder().build(key, bucket).getAvailableTokens()))
            .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Asks Redis for a {@code PING}, blocking at most the timeout: the health check's own look,
     * which also ends or starts a failure as a request would.
     *
     * @param timeout how long to wait
     * @return whether Redis answered
     */
    boolean ping(Duration timeout) {
        if (redisTarget == null) {
            return true;
        }
        try {
            manager().thenCompose(m -> connection.async().ping().toCompletableFuture())
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            recovered();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !failing;
        } catch (java.util.concurrent.ExecutionException | TimeoutException | RuntimeException e) {
            failed(e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e);
            return false;
        }
    }

    private ConsumptionProbe fallback(String key, BucketConfiguration bucket, OnStoreFailure onFailure) {
        if (onFailure == OnStoreFailure.DENY) {
            if (denied != null) {
                denied.increment();
            }
            throw new CompletionException(new StoreUnavailableException(lastError));
        }
        if (allowLocal != null) {
            allowLocal.increment();
        }
        return local(key, bucket).tryConsumeAndReturnRemaining(1);
    }

    private LocalBucket local(String key, BucketConfiguration bucket) {
        Local local = locals.get(key);
        if (local == null) {
            local = locals.computeIfAbsent(key, k -> new Local(Bucket.builder()
                .addLimit(bucket.getBandwidths()[0]).build(), bucket.getBandwidths()[0].getCapacity()));
        }
        return local.bucket();
    }

    private AsyncBucketProxy remote(AsyncProxyManager<String> manager, String key, BucketConfiguration bucket) {
        Remote kept = remotes.getIfPresent(key);
        if (kept != null && kept.manager() == manager) {
            return kept.bucket();
        }
        // A new connection (after a failure) gets new proxies; the key's shape fixes its configuration.
        Remote fresh = new Remote(manager, manager.builder().withOptimization(Optimizations.batching()).build(key, bucket));
        remotes.put(key, fresh);
        return fresh.bucket();
    }

    private CompletableFuture<AsyncProxyManager<String>> manager() {
        CompletableFuture<AsyncProxyManager<String>> current = redis;
        if (current != null && !current.isCompletedExceptionally()) {
            return current;
        }
        synchronized (this) {
            current = redis;
            if (current == null || current.isCompletedExceptionally()) {
                RedisClient client = ownClient != null ? ownClient : sharedClient.get();
                current = client.connectAsync(CODEC, redisUri).toCompletableFuture().thenApply(opened -> {
                    connection = opened;
                    return Bucket4jLettuce.casBasedBuilder(opened)
                        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_FULL))
                        .build().asAsync();
                });
                redis = current;
            }
            return current;
        }
    }

    private void failed(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String reason = cause instanceof TimeoutException ? "no answer within " + timeoutMillis + " ms"
            : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        lastError = reason;
        retryAt = System.nanoTime() + retryNanos;
        if (failures != null) {
            failures.increment();
        }
        if (!failing) {
            synchronized (this) {
                if (!failing) {
                    failing = true;
                    LOG.warn("The rate-limit store (Redis at {}) fails ({}); limits apply their on-store-failure (default {}) "
                        + "until it answers again", redisTarget, reason, configuration.getOnStoreFailure().key());
                }
            }
        }
    }

    private void recovered() {
        if (failing) {
            synchronized (this) {
                if (failing) {
                    failing = false;
                    lastError = null;
                    LOG.info("The rate-limit store (Redis at {}) answers again; limits are shared again", redisTarget);
                }
            }
        }
    }

    /** Drops memory buckets that are full again: a new bucket would be the same. */
    void sweep() {
        locals.entrySet().removeIf(e -> e.getValue().bucket().getAvailableTokens() >= e.getValue().capacity());
    }

    /**
     * @return how many memory buckets are held (tests)
     */
    int localBuckets() {
        return locals.size();
    }

    @PreDestroy
    void close() {
        sweeper.shutdownNow();
        StatefulRedisConnection<String, byte[]> open = connection;
        if (open != null) {
            open.closeAsync();
        }
        if (ownClient != null) {
            ownClient.shutdownAsync().thenRun(ownResources::shutdown);
        }
    }
}
