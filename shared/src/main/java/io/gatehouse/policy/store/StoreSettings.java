package io.gatehouse.policy.store;

import java.time.Duration;

/**
 * The gateway-wide settings every stored policy has: the response cache's
 * ({@code gateway.cache.*}) and the idempotency records' ({@code gateway.idempotency.*})
 * configuration classes extend it with their own defaults, documented on their
 * {@code DEFAULT_*} constants.
 */
public abstract class StoreSettings {

    private final String defaultRedisPrefix;
    private boolean enabled = true;
    private String redisPrefix;
    private long memoryMaxBytes;
    private Duration storeTimeout;

    /**
     * @param redisPrefix    the default prefix of the Redis keys
     * @param memoryMaxBytes the default bound of the in-memory store, in bytes
     * @param storeTimeout   the default bound on one Redis command
     */
    protected StoreSettings(String redisPrefix, long memoryMaxBytes, Duration storeTimeout) {
        this.defaultRedisPrefix = redisPrefix;
        this.redisPrefix = redisPrefix;
        this.memoryMaxBytes = memoryMaxBytes;
        this.storeTimeout = storeTimeout;
    }

    /**
     * Whether routes with the policy's section get it. When off, the sections are still validated
     * and do nothing. Default {@code true}.
     *
     * @return whether the policy works
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether the policy works
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The prefix of the Redis keys of {@code store: redis} routes ({@code <prefix>:<sha-256>}).
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
        this.redisPrefix = redisPrefix == null || redisPrefix.isBlank() ? defaultRedisPrefix : redisPrefix.trim();
    }

    /**
     * The most bytes the in-memory store of one instance holds, all {@code store: memory} routes
     * together (values, keys and a fixed overhead per entry); beyond it the entries least likely to
     * be used again are dropped.
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
     * The longest a request waits for one Redis command (the connection included, on first use).
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
