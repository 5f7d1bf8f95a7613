package io.gatehouse.lambda;

import io.gatehouse.observability.EmbeddedMetrics;
import io.micronaut.context.ApplicationContext;

/**
 * The end of an invocation for the meters: nothing scrapes a Lambda instance, so each invocation
 * writes what it counted as CloudWatch Embedded Metric Format lines on standard output
 * ({@link EmbeddedMetrics}, on while {@code gateway.emf.enabled}, as {@code application-lambda.yml}
 * sets it), before its response is returned and the sandbox may be frozen.
 */
final class InvocationMetrics {

    private final EmbeddedMetrics metrics;

    InvocationMetrics(ApplicationContext context) {
        this.metrics = context.findBean(EmbeddedMetrics.class).orElse(null);
    }

    void flush() {
        if (metrics != null) {
            try {
                metrics.flush();
            } catch (RuntimeException e) {
                // The response is what matters; a metrics failure is only logged.
                org.slf4j.LoggerFactory.getLogger(InvocationMetrics.class).warn("Could not write the EMF lines", e);
            }
        }
    }
}
