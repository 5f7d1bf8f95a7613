package io.gatehouse.container.proxy;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * Settings of the container's streaming proxy engine, under {@code gateway.proxy.streaming.*}.
 * Per-route behaviour (timeouts, retries, WebSocket limits) is part of each route.
 */
@ConfigurationProperties(StreamingProxyConfiguration.PREFIX)
public class StreamingProxyConfiguration {

    /** The prefix of the streaming engine's settings. */
    public static final String PREFIX = "gateway.proxy.streaming";

    /** The engine is on by default; without it Micronaut answers every request (404 for routes). */
    public static final boolean DEFAULT_ENABLED = true;

    /** Idle keep-alive connections kept per target and event loop. */
    public static final int DEFAULT_POOL_MAX_IDLE_PER_TARGET = 256;

    /** How long an idle pooled connection may be reused, in seconds. */
    public static final long DEFAULT_POOL_IDLE_TIMEOUT_SECONDS = 30;

    /** The largest request body kept in memory so that an idempotent request can be retried. */
    public static final int DEFAULT_RETRY_BODY_LIMIT = 64 * 1024;

    private boolean enabled = DEFAULT_ENABLED;
    private int poolMaxIdlePerTarget = DEFAULT_POOL_MAX_IDLE_PER_TARGET;
    private Duration poolIdleTimeout = Duration.ofSeconds(DEFAULT_POOL_IDLE_TIMEOUT_SECONDS);
    private int retryBodyLimit = DEFAULT_RETRY_BODY_LIMIT;

    /**
     * Whether the streaming engine proxies routes. Default {@value #DEFAULT_ENABLED}.
     *
     * @return whether it is on
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether it is on
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The most idle keep-alive connections kept per target on each event loop; more are closed
     * when released. Default {@value #DEFAULT_POOL_MAX_IDLE_PER_TARGET}.
     *
     * @return the limit
     */
    public int getPoolMaxIdlePerTarget() {
        return poolMaxIdlePerTarget;
    }

    /**
     * @param poolMaxIdlePerTarget the limit
     */
    public void setPoolMaxIdlePerTarget(int poolMaxIdlePerTarget) {
        this.poolMaxIdlePerTarget = Math.max(0, poolMaxIdlePerTarget);
    }

    /**
     * How long a pooled connection may sit idle and still be reused; older ones are closed
     * (keep it below the upstreams' own keep-alive timeout). Default
     * {@value #DEFAULT_POOL_IDLE_TIMEOUT_SECONDS} seconds.
     *
     * @return the timeout
     */
    public Duration getPoolIdleTimeout() {
        return poolIdleTimeout;
    }

    /**
     * @param poolIdleTimeout the timeout
     */
    public void setPoolIdleTimeout(Duration poolIdleTimeout) {
        this.poolIdleTimeout = poolIdleTimeout == null ? Duration.ofSeconds(DEFAULT_POOL_IDLE_TIMEOUT_SECONDS) : poolIdleTimeout;
    }

    /**
     * The largest request body, in bytes, kept so that an idempotent request can be sent again to
     * another target; a request with a larger body is not retried. Default
     * {@value #DEFAULT_RETRY_BODY_LIMIT}.
     *
     * @return the limit in bytes
     */
    public int getRetryBodyLimit() {
        return retryBodyLimit;
    }

    /**
     * @param retryBodyLimit the limit in bytes
     */
    public void setRetryBodyLimit(int retryBodyLimit) {
        this.retryBodyLimit = Math.max(0, retryBodyLimit);
    }
}
