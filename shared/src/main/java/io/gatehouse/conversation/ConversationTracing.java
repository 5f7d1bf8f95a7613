package io.gatehouse.conversation;

import io.gatehouse.observability.tracing.ServerSpans;
import io.gatehouse.observability.tracing.TracingConfiguration;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.route.RequestView;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

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
 *
 * <p>The gateway's own consumers of the session topics continue the trace a record carries: each
 * record they act on gets a {@link SpanKind#CONSUMER consumer} span, child of the context in its
 * headers ({@link #consume}), so a caller's message is one trace from the request, through the
 * publish, to its delivery on the streams of another instance, and an agent's reply continues the
 * agent's trace into the gateway that stores and delivers it.
 *
 * <p>Spans are made only when tracing is on ({@code otel.traces.exporter} names an exporter and
 * {@code gateway.tracing.enabled} is not {@code false}), as for requests; otherwise the client's own
 * context is passed on untouched.
 */
@Singleton
final class ConversationTracing {

    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";

    private static final TextMapGetter<Headers> RECORD = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            java.util.List<String> keys = new java.util.ArrayList<>();
            carrier.forEach(header -> keys.add(header.key()));
            return keys;
        }

        @Override
        public @Nullable String get(@Nullable Headers carrier, String key) {
            Header header = carrier == null ? null : carrier.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

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

    ConversationTracing(BeanProvider<OpenTelemetry> openTelemetry, TracingConfiguration configuration,
                        @Value("${otel.traces.exporter:none}") String exporter) {
        this.provider = openTelemetry;
        if (!configuration.isEnabled() || "none".equals(exporter)) {
            this.openTelemetry = java.util.Optional.empty();
        }
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
     * Opens a consumer span for a record one of the gateway's consumers acts on, child of the
     * context the record's {@code traceparent}/{@code tracestate} headers carry (a root span when
     * they carry none). The caller ends it.
     *
     * @param record    the record
     * @param operation what is done with it, the span's name after the topic ({@code deliver},
     *                  {@code store})
     * @param group     the consumer group
     * @return the span; a span that records nothing when tracing is off
     */
    Span consume(ConsumerRecord<?, ?> record, String operation, String group) {
        if (otel().isEmpty()) {
            return Span.getInvalid();
        }
        OpenTelemetry otel = otel().get();
        Context parent = otel.getPropagators().getTextMapPropagator().extract(Context.root(), record.headers(), RECORD);
        return otel.getTracer("io.gatehouse").spanBuilder(record.topic() + " " + operation).setParent(parent)
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute("messaging.system", "kafka")
            .setAttribute("messaging.destination.name", record.topic())
            .setAttribute("messaging.operation.type", "process")
            .setAttribute("messaging.operation.name", operation)
            .setAttribute("messaging.consumer.group.name", group)
            .setAttribute("messaging.destination.partition.id", Integer.toString(record.partition()))
            .setAttribute("messaging.kafka.offset", record.offset())
            .startSpan();
    }

    /**
     * Opens a consumer span for each record of a poll ({@link #consume}).
     *
     * @param batch     the records
     * @param operation what is done with them
     * @param group     the consumer group
     * @return the spans, in the order of the records; empty when tracing is off
     */
    java.util.List<Span> consume(java.util.List<? extends ConsumerRecord<?, ?>> batch, String operation, String group) {
        if (otel().isEmpty()) {
            return java.util.List.of();
        }
        java.util.List<Span> spans = new java.util.ArrayList<>(batch.size());
        for (ConsumerRecord<?, ?> record : batch) {
            spans.add(consume(record, operation, group));
        }
        return spans;
    }

    /**
     * Ends consumer spans.
     *
     * @param spans the spans
     * @param error why the records were not handled, or {@code null}
     */
    static void end(java.util.List<Span> spans, @Nullable Throwable error) {
        for (Span span : spans) {
            if (error != null) {
                span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
            }
            span.end();
        }
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
