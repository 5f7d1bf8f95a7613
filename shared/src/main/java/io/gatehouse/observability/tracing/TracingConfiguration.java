package io.gatehouse.observability.tracing;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * Tracing, under {@code gateway.tracing.*}. Spans are made only while an exporter is configured
 * ({@code otel.traces.exporter}, {@code OTEL_TRACES_EXPORTER}, {@code none} by default) and this
 * switch is on. See {@code docs/observability.md}.
 */
@ConfigurationProperties(TracingConfiguration.PREFIX)
public class TracingConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.tracing";

    /** Whether the gateway traces requests when an exporter is configured, by default. */
    public static final boolean DEFAULT_ENABLED = true;

    private boolean enabled = DEFAULT_ENABLED;

    /**
     * Whether requests are traced once {@code otel.traces.exporter} names an exporter. Default
     * {@value #DEFAULT_ENABLED}: setting {@code OTEL_TRACES_EXPORTER=otlp} is enough.
     *
     * @return whether tracing is on
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether tracing is on
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
