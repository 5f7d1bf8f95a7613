package io.gatehouse.policy.idempotency;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * The gateway-wide settings of {@code Idempotency-Key} handling, under {@code gateway.idempotency.*}.
 * Which routes use it is their own {@code idempotency:} section (see {@code docs/idempotency.md}).
 */
@ConfigurationProperties(IdempotencyConfiguration.PREFIX)
public class IdempotencyConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.idempotency";

    /** Routes that ask for it get it by default. */
    public static final boolean DEFAULT_ENABLED = true;

    /** The default prefix of the Redis keys. */
    public static final String DEFAULT_REDIS_PREFIX = "gatehouse:idempotency";

    /** The default bound on the in-memory records of one instance, in bytes (32 MiB). */
    public static final long DEFAULT_MEMORY_MAX_BYTES = 32L * 1024 * 1024;

    /** The default bound on one Redis command, in milliseconds. */
    public static final long DEFAULT_STORE_TIMEOUT_MILLIS = 1000;

    private boolean enabled = DEFAULT_ENABLED;
    private String redisPrefix = DEFAULT_REDIS_PREFIX;
    private long memoryMaxBytes = DEFAULT_MEMORY_MAX_BYTES;
    private Duration storeTimeout = Duration.ofMillis(DEFAULT_STORE_TIMEOUT_MILLIS);

    /**
     * Whether routes with an {@code idempotency} section get it. When off, the sections are still
     * validated and do nothing. Default {@value #DEFAULT_ENABLED}.
     *
     * @return whether it works
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether it works
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The prefix of the Redis keys of {@code store: redis} routes ({@code <prefix>:<sha-256>}).
     * Default {@value #DEFAULT_REDIS_PREFIX}.
     *
     * @return the prefix
     */
    public String getRedisPrefix() {
        return redisPrefix;
    }

    /**
     * @param redisPrefix the prefix; blank keeps the default
     */
    public void setRedisPrefix(String redisPrefix) {
        this.redisPrefix = redisPrefix == null || redisPrefix.isBlank() ? DEFAULT_REDIS_PREFIX : redisPrefix.trim();
    }

    /**
     * The most bytes the in-memory records of one instance hold, all {@code store: memory} routes
     * together; beyond it the records least likely to be used again are dropped, and a retry of a
     * dropped one reaches the upstream again. Default {@value #DEFAULT_MEMORY_MAX_BYTES} (32 MiB).
     *
     * @return the bound in bytes
     */
    public long getMemoryMaxBytes() {
        return memoryMaxBytes;
    }

    /**
     * @param memoryMaxBytes the bound in bytes
     */
    public void setMemoryMaxBytes(long memoryMaxBytes) {
        this.memoryMaxBytes = Math.max(0, memoryMaxBytes);
    }

    /**
     * The longest a request waits for Redis; past it, or when Redis fails, a request carrying a key
     * is refused with 503 rather than risk a second upstream call. Default
     * {@value #DEFAULT_STORE_TIMEOUT_MILLIS} ms.
     *
     * @return the bound
     */
    public Duration getStoreTimeout() {
        return storeTimeout;
    }

    /**
     * @param storeTimeout the bound
     */
    public void setStoreTimeout(Duration storeTimeout) {
        this.storeTimeout = storeTimeout;
    }
}
