package io.gatehouse.policy.cache;

import io.gatehouse.policy.store.StoreSettings;
import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * The response cache's gateway-wide settings, under {@code gateway.cache.*}: {@code enabled}
 * ({@value #DEFAULT_ENABLED}), {@code redis-prefix} ({@value #DEFAULT_REDIS_PREFIX}),
 * {@code memory-max-bytes} ({@value #DEFAULT_MEMORY_MAX_BYTES}, 64 MiB), {@code store-timeout}
 * ({@value #DEFAULT_STORE_TIMEOUT_MILLIS} ms: past it, or when Redis fails, a look-up is a miss) and
 * {@code max-entry-bytes}. What a route caches is its own {@code cache:} section (see
 * {@code docs/caching.md}).
 */
@ConfigurationProperties(CacheConfiguration.PREFIX)
public class CacheConfiguration extends StoreSettings {

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

    private int maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;

    /** Creates the settings with their defaults. */
    public CacheConfiguration() {
        super(DEFAULT_REDIS_PREFIX, DEFAULT_MEMORY_MAX_BYTES, Duration.ofMillis(DEFAULT_STORE_TIMEOUT_MILLIS));
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
}
