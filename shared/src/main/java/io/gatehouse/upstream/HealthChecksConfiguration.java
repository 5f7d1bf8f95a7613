package io.gatehouse.upstream;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * The switch of active health checking, under {@code gateway.health-checks.*}. Which upstreams are
 * probed, and how, is each upstream's own {@code health-check} block.
 */
@ConfigurationProperties(HealthChecksConfiguration.PREFIX)
public class HealthChecksConfiguration {

    /** The prefix of the settings. */
    public static final String PREFIX = "gateway.health-checks";

    /** Active health checks run by default where the runtime allows background work. */
    public static final boolean DEFAULT_ENABLED = true;

    private boolean enabled = DEFAULT_ENABLED;

    /**
     * Whether the {@link ActiveHealthChecker} runs at all. Default {@value #DEFAULT_ENABLED};
     * {@code application-lambda.yml} sets {@code false}, since a Lambda instance is frozen between
     * invocations.
     *
     * @return whether active health checks run
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether active health checks run
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
