package io.gatehouse.container.server;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * Limits the container applies to client connections, under {@code gateway.server.*}.
 */
@ConfigurationProperties(ServerLimitsConfiguration.PREFIX)
public class ServerLimitsConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.server";

    /** The limits are on by default. */
    public static final boolean DEFAULT_ENABLED = true;

    /** How long a client may take to send a request head, from its first byte, in seconds. */
    public static final long DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS = 30;

    /** The slowest a request body may arrive on average, in bytes per second, once the grace period is over. */
    public static final long DEFAULT_REQUEST_BODY_MIN_RATE = 256;

    /** How long a request body may arrive slower than the minimum rate, in seconds. */
    public static final long DEFAULT_REQUEST_BODY_GRACE_SECONDS = 10;

    /**
     * The share of the descriptors free after start-up that the default connection limit takes:
     * each proxied connection needs two (the client's and the upstream's), and 10 % stay in reserve.
     */
    public static final double DEFAULT_MAX_CONNECTIONS_SHARE = 0.45;

    private boolean enabled = DEFAULT_ENABLED;
    private Integer maxConnections;
    private Duration requestHeadTimeout = Duration.ofSeconds(DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS);
    private long requestBodyMinRate = DEFAULT_REQUEST_BODY_MIN_RATE;
    private Duration requestBodyGrace = Duration.ofSeconds(DEFAULT_REQUEST_BODY_GRACE_SECONDS);

    /**
     * Whether the connection limit and the slow-client deadlines apply. Default {@value #DEFAULT_ENABLED}.
     *
     * @return whether they apply
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether they apply
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The most client connections open at once; a connection above it is answered 503
     * {@code overloaded} with {@code Retry-After} to its first request and closed. Unset (the
     * default): {@value #DEFAULT_MAX_CONNECTIONS_SHARE} of the descriptors the process has free
     * after start-up (its open-file limit less those open then).
     *
     * @return the limit, or {@code null} for the default
     */
    public Integer getMaxConnections() {
        return maxConnections;
    }

    /**
     * @param maxConnections the limit, or {@code null} for the default
     */
    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    /**
     * The time a client may take to send a whole request head, counted from its first byte while
     * the gateway waits for it; then 408 {@code request_timeout} and the connection closes.
     * Default {@value #DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS} seconds.
     *
     * @return the timeout
     */
    public Duration getRequestHeadTimeout() {
        return requestHeadTimeout;
    }

    /**
     * @param requestHeadTimeout the timeout
     */
    public void setRequestHeadTimeout(Duration requestHeadTimeout) {
        this.requestHeadTimeout = requestHeadTimeout;
    }

    /**
     * The slowest average rate, in bytes per second, at which a request body may arrive, counted
     * only while the gateway waits for it (not while it holds the client back); below it after
     * the grace period, 408 {@code request_timeout} (or a close, once a response started).
     * {@code 0} turns the check off. Default {@value #DEFAULT_REQUEST_BODY_MIN_RATE}.
     *
     * @return the rate in bytes per second
     */
    public long getRequestBodyMinRate() {
        return requestBodyMinRate;
    }

    /**
     * @param requestBodyMinRate the rate in bytes per second
     */
    public void setRequestBodyMinRate(long requestBodyMinRate) {
        this.requestBodyMinRate = Math.max(0, requestBodyMinRate);
    }

    /**
     * How long a request body may arrive below the minimum rate before it is cut. Default
     * {@value #DEFAULT_REQUEST_BODY_GRACE_SECONDS} seconds.
     *
     * @return the grace period
     */
    public Duration getRequestBodyGrace() {
        return requestBodyGrace;
    }

    /**
     * @param requestBodyGrace the grace period
     */
    public void setRequestBodyGrace(Duration requestBodyGrace) {
        this.requestBodyGrace = requestBodyGrace;
    }
}
