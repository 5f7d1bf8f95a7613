package io.gatehouse.observability.tracing;

import io.gatehouse.observability.GatewayMetrics;
import io.gatehouse.observability.TraceIds;
import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.policy.UpstreamObserver;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RequestView;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.util.StringUtils;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.inject.Singleton;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Tracing as a member of every chain. Its request side continues the client's trace (W3C
 * {@code traceparent} and {@code tracestate}, through OpenTelemetry's propagators) in a
 * {@link SpanKind#SERVER server} span named by the route's id (the endpoint's template for the
 * gateway's own endpoints, {@value GatewayMetrics#UNMATCHED} otherwise), and asks the engine to
 * tell it of each call to a target ({@link UpstreamObserver}): each gets a
 * {@link SpanKind#CLIENT client} span, child of the server span, whose context goes out in the
 * call's {@code traceparent} and {@code tracestate}. The server span ends when the exchange
 * completes, after the response's last byte.
 *
 * <p>The engines know nothing of tracing: the streaming engine forwards a header without
 * buffering anything, the buffered engine and Lambda the same way. Whether a span is recorded and
 * exported is the SDK's sampler's decision ({@code OTEL_TRACES_SAMPLER}); an unsampled request still
 * passes its trace on.
 */
@Singleton
@Internal
@Requires(property = TracingConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
@Requires(property = "otel.traces.exporter", notEquals = "none")
final class TracingPolicy implements Policy {

    /** The exchange attribute holding the server span. */
    static final String SERVER_SPAN = "gatehouse.tracing.server-span";
    /** The exchange attribute holding the client span of the call in flight. */
    static final String CLIENT_SPAN = "gatehouse.tracing.client-span";

    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> CLIENT = AttributeKey.stringKey("client.address");
    private static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    private static final AttributeKey<String> ERROR = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> ROUTE_ID = AttributeKey.stringKey("gatehouse.route");
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("gatehouse.request_id");
    private static final AttributeKey<String> UPSTREAM = AttributeKey.stringKey("gatehouse.upstream");

    private static final TextMapGetter<RequestView> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestView carrier) {
            return carrier.headerValues().keySet();
        }

        @Override
        public String get(RequestView carrier, String key) {
            return carrier == null ? null : carrier.header(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    TracingPolicy(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.gatehouse");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    @Override
    public Phase phase() {
        return Phase.PREFLIGHT;
    }

    @Override
    public int getOrder() {
        // After metrics and the access log, before any policy that may answer.
        return Ordered.HIGHEST_PRECEDENCE + 2;
    }

    @Override
    public PolicyStep compile(@Nullable CompiledRoute route) {
        if (route == null) {
            return new Step(null, null, null);
        }
        return new Step(route.id(), route.definition().match().path().toString(), route.definition().upstream());
    }

    private final class Step implements PolicyStep, UpstreamObserver {
        private final String route;
        private final String template;
        private final String upstream;

        Step(String route, String template, String upstream) {
            this.route = route;
            this.template = template;
            this.upstream = upstream;
        }

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            start(exchange, false);
            exchange.observeUpstream(this);
            return PolicyResult.PROCEED_STAGE;
        }

        private Span start(PolicyExchange exchange, boolean late) {
            RequestView request = exchange.request();
            String endpoint = template != null ? template : exchange.endpoint();
            String name = route != null ? route : endpoint != null ? endpoint : GatewayMetrics.UNMATCHED;
            Context parent = propagator.extract(Context.root(), request, HEADERS);
            var builder = tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, request.method())
                .setAttribute(PATH, request.path())
                .setAttribute(CLIENT, exchange.clientIp())
                .setAttribute(REQUEST_ID, exchange.requestId());
            if (endpoint != null) {
                builder.setAttribute(ROUTE, endpoint);
            }
            if (route != null) {
                builder.setAttribute(ROUTE_ID, route);
            }
            if (late) {
                // Refused before the chain ran (a body too large): the span still starts with the request.
                builder.setStartTimestamp(exchange.startMillis(), TimeUnit.MILLISECONDS);
            }
            Span span = builder.startSpan();
            exchange.attribute(SERVER_SPAN, span);
            if (span.getSpanContext().isValid()) {
                exchange.attribute(TraceIds.ATTRIBUTE, span.getSpanContext().getTraceId());
            }
            return span;
        }

        @Override
        public void completed(PolicyExchange exchange, boolean requestRan) {
            Span span = exchange.attribute(SERVER_SPAN) instanceof Span started ? started : start(exchange, true);
            int status = exchange.status();
            span.setAttribute(STATUS, (long) status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
                span.setAttribute(ERROR, Integer.toString(status));
            } else if (exchange.aborted()) {
                span.setAttribute(ERROR, "aborted");
            }
            span.end();
        }

        // ------------------------------------------------------------------ calls to targets

        @Override
        public void calling(PolicyExchange exchange, String target, BiConsumer<String, String> setHeader) {
            Span server = exchange.attribute(SERVER_SPAN) instanceof Span span ? span : Span.getInvalid();
            Context parent = Context.root().with(server);
            Span client = tracer.spanBuilder(exchange.request().method() + " " + (upstream == null ? "upstream" : upstream))
                .setParent(parent).setSpanKind(SpanKind.CLIENT)
                .setAttribute(METHOD, exchange.request().method())
                .setAttribute(URL, target)
                .setAttribute(UPSTREAM, upstream == null ? "" : upstream)
                .startSpan();
            exchange.attribute(CLIENT_SPAN, client);
            propagator.inject(parent.with(client), setHeader, BiConsumer::accept);
        }

        @Override
        public void answered(PolicyExchange exchange, int status) {
            if (exchange.attribute(CLIENT_SPAN) instanceof Span client) {
                client.setAttribute(STATUS, (long) status);
                if (status >= 400) {
                    client.setStatus(StatusCode.ERROR);
                    client.setAttribute(ERROR, Integer.toString(status));
                }
                client.end();
            }
        }

        @Override
        public void failed(PolicyExchange exchange, String reason) {
            if (exchange.attribute(CLIENT_SPAN) instanceof Span client) {
                client.setStatus(StatusCode.ERROR, reason);
                client.setAttribute(ERROR, reason);
                client.end();
            }
        }
    }
}
