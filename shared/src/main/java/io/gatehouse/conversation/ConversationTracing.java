package io.gatehouse.conversation;

import io.gatehouse.observability.tracing.ServerSpans;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.route.RequestView;
import io.micronaut.context.BeanProvider;
import io.micronaut.core.annotation.Nullable;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Carries a message's trace from the request that accepted it to the Kafka record that publishes
 * it. The intake stores the W3C context of the request's server span (or, with tracing off, the
 * client's own {@code traceparent} and {@code tracestate}) in the outbox row; the relay opens a
 * {@link SpanKind#PRODUCER producer} span, child of that context, around the publish and sends its
 * context in the record's {@code traceparent}/{@code tracestate} headers, so a consumer continues
 * the same trace even when the row is published minutes later by another instance.
 */
@Singleton
final class ConversationTracing {

    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final BeanProvider<OpenTelemetry> provider;
    /** The SDK, looked up on first use (a bean lookup per message showed in the intake's profile); empty without one. */
    private volatile java.util.Optional<OpenTelemetry> openTelemetry;

    ConversationTracing(BeanProvider<OpenTelemetry> openTelemetry) {
        this.provider = openTelemetry;
    }

    private java.util.Optional<OpenTelemetry> otel() {
        java.util.Optional<OpenTelemetry> known = openTelemetry;
        if (known == null) {
            known = provider.isPresent() ? java.util.Optional.of(provider.get()) : java.util.Optional.empty();
            openTelemetry = known;
        }
        return known;
    }

    /**
     * @param exchange the request's exchange, or {@code null}
     * @param request  the request
     * @param into     where the context's headers go
     */
    void capture(@Nullable PolicyExchange exchange, RequestView request, Map<String, String> into) {
        Span server = ServerSpans.of(exchange);
        if (server != null && server.getSpanContext().isValid() && otel().isPresent()) {
            propagator().inject(Context.root().with(server), into, (map, key, value) -> map.put(key, value));
            return;
        }
        String traceparent = request.header(TRACEPARENT);
        if (traceparent != null) {
            into.put(TRACEPARENT, traceparent);
            String tracestate = request.header(TRACESTATE);
            if (tracestate != null) {
                into.put(TRACESTATE, tracestate);
            }
        }
    }

    /**
     * Runs a publish inside a producer span, child of the context the headers carry, and puts the
     * span's context into the headers the publish sends.
     *
     * @param topic   the topic
     * @param headers the row's headers, changed in place
     * @param publish the publish
     * @return the publish's stage
     */
    CompletionStage<Void> publish(String topic, Map<String, String> headers, Function<Map<String, String>, CompletionStage<Void>> publish) {
        if (otel().isEmpty()) {
            return publish.apply(headers);
        }
        OpenTelemetry otel = otel().get();
        TextMapPropagator propagator = otel.getPropagators().getTextMapPropagator();
        Context parent = propagator.extract(Context.root(), headers, MAP);
        Span span = otel.getTracer("io.gatehouse").spanBuilder(topic + " publish").setParent(parent)
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute("messaging.system", "kafka")
            .setAttribute("messaging.destination.name", topic)
            .setAttribute("messaging.operation.type", "send")
            .startSpan();
        if (span.getSpanContext().isValid()) {
            propagator.inject(Context.root().with(span), headers, (map, key, value) -> map.put(key, value));
        }
        CompletionStage<Void> done;
        try {
            done = publish.apply(headers);
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            span.end();
            throw e;
        }
        return done.whenComplete((ok, error) -> {
            if (error != null) {
                span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
            }
            span.end();
        });
    }

    private TextMapPropagator propagator() {
        return otel().orElseThrow().getPropagators().getTextMapPropagator();
    }
}
