package io.gatehouse.observability.health;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * Settings of the health report, under {@code gateway.health.*}.
 */
@ConfigurationProperties(HealthConfiguration.PREFIX)
public class HealthConfiguration {

    /** The prefix of the health settings. */
    public static final String PREFIX = "gateway.health";

    /** The default time one check may take, in milliseconds. */
    public static final long DEFAULT_TIMEOUT_MILLIS = 2000;

    private Duration timeout = Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS);

    /**
     * How long one check may take before it counts as down. Default
     * {@value #DEFAULT_TIMEOUT_MILLIS} ms.
     *
     * @return the timeout
     */
    public Duration getTimeout() {
        return timeout;
    }

    /**
     * @param timeout how long one check may take
     */
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }
}
