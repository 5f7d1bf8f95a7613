package io.gatehouse.observability.tracing;

import io.gatehouse.policy.PolicyExchange;
import io.micronaut.core.annotation.Nullable;
import io.opentelemetry.api.trace.Span;

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
}
