package io.gatehouse.observability.tracing;

import io.gatehouse.policy.PolicyExchange;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.tracing.opentelemetry.OpenTelemetryPropagationContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;

/**
 * The server span tracing opened for a request, for code that continues its trace elsewhere (the
 * session intake hands it on to Kafka through the outbox).
 */
public final class ServerSpans {

    private ServerSpans() {
    }

    /**
     * @param exchange a request's exchange, or {@code null}
     * @return its server span, or {@code null} when tracing is off or did not run
     */
    public static @Nullable Span of(@Nullable PolicyExchange exchange) {
        return exchange != null && exchange.attribute(TracingPolicy.SERVER_SPAN) instanceof Span span ? span : null;
    }

    /**
     * Makes the request's server span the current one for the work Micronaut runs on behalf of the
     * request from here on, on whatever thread it runs it (its propagated context): the gateway's
     * own endpoints (the session intake, the token and admin APIs) then record their JDBC calls as
     * children of the request's span ({@link JdbcSpans}).
     *
     * @param exchange a request's exchange, or {@code null}
     * @return the scope, to close once the work is handed on; one that does nothing when the request
     *         has no recorded server span
     */
    public static PropagatedContext.Scope current(@Nullable PolicyExchange exchange) {
        Span span = of(exchange);
        if (span == null || !span.getSpanContext().isValid()) {
            return () -> { };
        }
        return PropagatedContext.getOrEmpty().plus(new OpenTelemetryPropagationContext(Context.root().with(span))).propagate();
    }
}
