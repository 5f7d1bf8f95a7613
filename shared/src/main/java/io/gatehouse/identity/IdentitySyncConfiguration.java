package io.gatehouse.identity;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * How every instance keeps its in-memory identity views (revoked tokens, API keys) fresh, under
 * {@code gateway.identity.sync.*}. See {@link IdentitySync}.
 */
@ConfigurationProperties(IdentitySyncConfiguration.PREFIX)
public class IdentitySyncConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.identity.sync";

    /** The default period of the background version check, in milliseconds. */
    public static final long DEFAULT_INTERVAL_MILLIS = 500;

    /** The default age after which a request carrying a credential waits for a version check, in milliseconds. */
    public static final long DEFAULT_MAX_STALENESS_MILLIS = 500;

    /** The default bound on one version check or one Redis write, in milliseconds. */
    public static final long DEFAULT_TIMEOUT_MILLIS = 500;

    /** The default prefix of the Redis keys and of the pub/sub channel. */
    public static final String DEFAULT_REDIS_PREFIX = "gatehouse:identity";

    /** Whether the container checks in the background by default (never on Lambda, whose process is frozen between requests). */
    public static final boolean DEFAULT_BACKGROUND = true;

    private Duration interval = Duration.ofMillis(DEFAULT_INTERVAL_MILLIS);
    private Duration maxStaleness = Duration.ofMillis(DEFAULT_MAX_STALENESS_MILLIS);
    private Duration timeout = Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS);
    private String redisPrefix = DEFAULT_REDIS_PREFIX;
    private boolean background = DEFAULT_BACKGROUND;

    /**
     * How often a long-running instance compares the change versions with what it loaded, besides
     * reacting to Redis pub/sub at once. Default {@value #DEFAULT_INTERVAL_MILLIS} ms.
     *
     * @return the period
     */
    public Duration getInterval() {
        return interval;
    }

    /**
     * @param interval the period of the background check
     */
    public void setInterval(Duration interval) {
        this.interval = interval;
    }

    /**
     * When the last successful check is older than this, a request that carries a credential waits
     * for a check before it is handled (this is what bounds staleness on Lambda). Default
     * {@value #DEFAULT_MAX_STALENESS_MILLIS} ms.
     *
     * @return the staleness bound
     */
    public Duration getMaxStaleness() {
        return maxStaleness;
    }

    /**
     * @param maxStaleness the staleness bound
     */
    public void setMaxStaleness(Duration maxStaleness) {
        this.maxStaleness = maxStaleness;
    }

    /**
     * The longest a version check, or the Redis part of a change, may take. Default
     * {@value #DEFAULT_TIMEOUT_MILLIS} ms.
     *
     * @return the timeout
     */
    public Duration getTimeout() {
        return timeout;
    }

    /**
     * @param timeout the bound on one check or write
     */
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * The prefix of the Redis keys ({@code <prefix>:version:<topic>}, {@code <prefix>:revoked}) and
     * of the pub/sub channel ({@code <prefix>:changes}). Default {@value #DEFAULT_REDIS_PREFIX}.
     *
     * @return the prefix
     */
    public String getRedisPrefix() {
        return redisPrefix;
    }

    /**
     * @param redisPrefix the prefix of keys and channel
     */
    public void setRedisPrefix(String redisPrefix) {
        this.redisPrefix = redisPrefix;
    }

    /**
     * Whether a long-running instance checks every {@link #getInterval()} and subscribes to
     * pub/sub. Default {@value #DEFAULT_BACKGROUND}; Lambda never does.
     *
     * @return whether the background check runs
     */
    public boolean isBackground() {
        return background;
    }

    /**
     * @param background whether the background check runs
     */
    public void setBackground(boolean background) {
        this.background = background;
    }
}
