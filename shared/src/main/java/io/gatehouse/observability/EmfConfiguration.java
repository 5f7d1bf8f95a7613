package io.gatehouse.observability;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * CloudWatch Embedded Metric Format, under {@code gateway.emf.*}: the gateway's meters written as
 * log lines at the end of each Lambda invocation ({@link EmbeddedMetrics}).
 */
@ConfigurationProperties(EmfConfiguration.PREFIX)
public class EmfConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.emf";

    /** Whether EMF lines are written by default: only Lambda ({@code application-lambda.yml}) turns them on. */
    public static final boolean DEFAULT_ENABLED = false;

    /** The CloudWatch namespace of the metrics by default. */
    public static final String DEFAULT_NAMESPACE = "Gatehouse";

    private boolean enabled = DEFAULT_ENABLED;
    private String namespace = DEFAULT_NAMESPACE;

    /**
     * Whether the meters are written as EMF lines after each invocation. Default
     * {@value #DEFAULT_ENABLED}; {@code application-lambda.yml} sets {@code true}.
     *
     * @return whether EMF is on
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether EMF is on
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The CloudWatch namespace the metrics are filed under. Default {@value #DEFAULT_NAMESPACE}.
     *
     * @return the namespace
     */
    public String getNamespace() {
        return namespace;
    }

    /**
     * @param namespace the namespace
     */
    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }
}
