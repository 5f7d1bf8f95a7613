package io.gatehouse.policy.cache;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * The response cache's gateway-wide settings, under {@code gateway.cache.*}. What a route caches is
 * its own {@code cache:} section (see {@code docs/caching.md}).
 */
@ConfigurationProperties(CacheConfiguration.PREFIX)
public class CacheConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.cache";

    /** The cache works on routes that ask for it by default. */
    public static final boolean DEFAULT_ENABLED = true;

    /** The default prefix of the cache's Redis keys. */
    public static final String DEFAULT_REDIS_PREFIX = "gatehouse:cache";

    /** The default bound on the in-memory cache of one instance, in bytes (64 MiB). */
    public static final long DEFAULT_MEMORY_MAX_BYTES = 64L * 1024 * 1024;

    /** The default largest body a route caches, in bytes (1 MiB), unless it says {@code max-entry-size}. */
    public static final int DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;

    /** The default bound on one Redis look-up or write, in milliseconds. */
    public static final long DEFAULT_STORE_TIMEOUT_MILLIS = 250;

    private boolean enabled = DEFAULT_ENABLED;
    private String redisPrefix = DEFAULT_REDIS_PREFIX;
    private long memoryMaxBytes = DEFAULT_MEMORY_MAX_BYTES;
    private int maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
    private Duration storeTimeout = Duration.ofMillis(DEFAULT_STORE_TIMEOUT_MILLIS);

    /**
     * Whether routes with a {@code cache} section are cached. When off, the sections are still
     * validated and do nothing. Default {@value #DEFAULT_ENABLED}.
     *
     * @return whether the cache works
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether the cache works
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
     * The most bytes the in-memory cache of one instance holds, all {@code store: memory} routes
     * together (bodies, headers, keys); beyond it the entries least likely to be used again are
     * dropped. Default {@value #DEFAULT_MEMORY_MAX_BYTES} (64 MiB).
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
     * The largest response body a route caches unless its {@code max-entry-size} says otherwise;
     * larger responses pass through uncached. Default {@value #DEFAULT_MAX_ENTRY_BYTES} (1 MiB).
     *
     * @return the limit in bytes
     */
    public int getMaxEntryBytes() {
        return maxEntryBytes;
    }

    /**
     * @param maxEntryBytes the limit in bytes
     */
    public void setMaxEntryBytes(int maxEntryBytes) {
        this.maxEntryBytes = Math.max(0, maxEntryBytes);
    }

    /**
     * The longest a request waits for a Redis look-up; past it, or when Redis fails, the request
     * is a miss and goes to the upstream. Default {@value #DEFAULT_STORE_TIMEOUT_MILLIS} ms.
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
