package io.gatehouse.policy.limit;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;

/**
 * Rate limits, under {@code gateway.rate-limit.*}: where the budgets are kept and what happens
 * while that store does not answer. The limits themselves are data of the definition (a route's
 * {@code limits}, {@code plans}, {@code plans-by}).
 */
@ConfigurationProperties(RateLimitConfiguration.PREFIX)
public class RateLimitConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.rate-limit";

    /** Whether routes' limits are enforced by default. */
    public static final boolean DEFAULT_ENABLED = true;

    /** The default store: Redis when {@code redis.uri} or {@code redis-uri} is set, else memory. */
    public static final String DEFAULT_STORE = "auto";

    /** The default prefix of every key the limiter writes to Redis. */
    public static final String DEFAULT_REDIS_PREFIX = "gatehouse:rl";

    /** The default time a Redis answer is waited for, in milliseconds, before the store counts as failing. */
    public static final long DEFAULT_STORE_TIMEOUT_MILLIS = 500;

    /** The default pause, in milliseconds, after a store failure before Redis is tried again. */
    public static final long DEFAULT_RETRY_INTERVAL_MILLIS = 1000;

    /** The default of every limit's {@code on-store-failure}. */
    public static final String DEFAULT_ON_STORE_FAILURE = "allow-local";

    /** What the limiter keeps budgets in. */
    public enum Store {
        /** Redis when one is configured, else memory. */
        AUTO,
        /** This instance's memory: each instance (and each Lambda environment) counts alone. */
        MEMORY,
        /** Redis: every instance and Lambda share one budget. */
        REDIS
    }

    private boolean enabled = DEFAULT_ENABLED;
    private Store store = Store.AUTO;
    private String redisUri;
    private String redisPrefix = DEFAULT_REDIS_PREFIX;
    private Duration storeTimeout = Duration.ofMillis(DEFAULT_STORE_TIMEOUT_MILLIS);
    private Duration retryInterval = Duration.ofMillis(DEFAULT_RETRY_INTERVAL_MILLIS);
    private OnStoreFailure onStoreFailure = OnStoreFailure.ALLOW_LOCAL;

    /**
     * Whether limits are enforced at all; {@code false} makes every route's {@code limits} a no-op
     * (they are still validated). Default {@value #DEFAULT_ENABLED}.
     *
     * @return whether enabled
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether limits are enforced
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Where budgets are kept: {@code auto} (Redis when {@link #getRedisUri() redis-uri} or
     * {@code redis.uri} is set, else memory), {@code memory} or {@code redis}. Default
     * {@value #DEFAULT_STORE}.
     *
     * @return the store
     */
    public Store getStore() {
        return store;
    }

    /**
     * @param store the store
     */
    public void setStore(Store store) {
        this.store = store == null ? Store.AUTO : store;
    }

    /**
     * A Redis of the limiter's own ({@code redis://host:6379}); unset, the limiter uses the
     * gateway's Redis ({@code redis.uri}) through its Lettuce client. No default.
     *
     * @return the URI, or {@code null}
     */
    public @Nullable String getRedisUri() {
        return redisUri;
    }

    /**
     * @param redisUri the URI; blank for none
     */
    public void setRedisUri(@Nullable String redisUri) {
        this.redisUri = redisUri == null || redisUri.isBlank() ? null : redisUri.trim();
    }

    /**
     * The prefix of the limiter's Redis keys. Default {@value #DEFAULT_REDIS_PREFIX}.
     *
     * @return the prefix
     */
    public String getRedisPrefix() {
        return redisPrefix;
    }

    /**
     * @param redisPrefix the prefix
     */
    public void setRedisPrefix(String redisPrefix) {
        this.redisPrefix = redisPrefix == null || redisPrefix.isBlank() ? DEFAULT_REDIS_PREFIX : redisPrefix.trim();
    }

    /**
     * How long a Redis answer is waited for before the store counts as failing and the limit's
     * {@code on-store-failure} applies. Default {@value #DEFAULT_STORE_TIMEOUT_MILLIS} ms.
     *
     * @return the timeout
     */
    public Duration getStoreTimeout() {
        return storeTimeout;
    }

    /**
     * @param storeTimeout the timeout
     */
    public void setStoreTimeout(Duration storeTimeout) {
        this.storeTimeout = storeTimeout == null || storeTimeout.isNegative() || storeTimeout.isZero()
            ? Duration.ofMillis(DEFAULT_STORE_TIMEOUT_MILLIS) : storeTimeout;
    }

    /**
     * How long after a failure requests skip Redis (and apply {@code on-store-failure} at once)
     * before one request tries it again. Default {@value #DEFAULT_RETRY_INTERVAL_MILLIS} ms.
     *
     * @return the interval
     */
    public Duration getRetryInterval() {
        return retryInterval;
    }

    /**
     * @param retryInterval the interval
     */
    public void setRetryInterval(Duration retryInterval) {
        this.retryInterval = retryInterval == null || retryInterval.isNegative() ? Duration.ofMillis(DEFAULT_RETRY_INTERVAL_MILLIS)
            : retryInterval;
    }

    /**
     * What a limit without its own {@code on-store-failure} does while Redis does not answer:
     * {@code allow-local} (count on this instance alone) or {@code deny} (503). Default
     * {@value #DEFAULT_ON_STORE_FAILURE}.
     *
     * @return the default
     */
    public OnStoreFailure getOnStoreFailure() {
        return onStoreFailure;
    }

    /**
     * @param onStoreFailure the default
     */
    public void setOnStoreFailure(OnStoreFailure onStoreFailure) {
        this.onStoreFailure = onStoreFailure == null ? OnStoreFailure.ALLOW_LOCAL : onStoreFailure;
    }
}
