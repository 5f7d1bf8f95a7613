package io.gatehouse.proxy;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.ErrorResponses;
import io.gatehouse.error.GatewayException;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.runtime.LocalResources;
import io.gatehouse.route.RouteDefinition;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.upstream.FailureKind;
import io.gatehouse.upstream.Selection;
import io.gatehouse.upstream.TargetState;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamUnavailableException;
import io.micronaut.core.io.buffer.ByteArrayBufferFactory;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.body.ByteBodyFactory;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The buffered proxy engine: reads the whole request body, sends it to a target of the route's
 * upstream and answers with the whole upstream response. Lambda needs exactly this (API Gateway
 * buffers both ways); the container uses it until its streaming engine takes proxied requests
 * before they reach Micronaut.
 *
 * <ul>
 *   <li>The request body is limited to the smaller of the route's limit ({@code request-limits}, else
 *       {@code gateway.proxy.max-request-body}) and {@code gateway.proxy.max-buffered-body} (413 beyond), the upstream's response body to
 *       {@code gateway.proxy.max-buffered-body} (502 beyond).</li>
 *   <li>A call that fails for want of a local resource (open files, ephemeral ports; see
 *       {@link LocalResources}) is answered 503 {@code overloaded} and never counts against the
 *       target.</li>
 *   <li>Upstream statuses, headers and bodies pass through unchanged, 4xx and 5xx included; only
 *       hop-by-hop headers are removed (both ways) and forwarding headers set
 *       ({@link ForwardedRequest}).</li>
 *   <li>The route's connect timeout bounds opening the connection; its response timeout bounds the
 *       whole exchange, body included (a buffering engine has nothing to deliver before the end,
 *       so the idle timeout adds nothing here).</li>
 *   <li>Idempotent methods are retried on a connect failure and on the route's
 *       {@code retries.on-statuses}, up to {@code retries.attempts} times, after
 *       {@code backoff × 2ⁿ} (at most {@code max-backoff}), on another target when there is one.</li>
 *   <li>Every call reports exactly one outcome to its {@link Selection}: the status, the failure,
 *       or the release when the client goes away.</li>
 *   <li>Failures answer with the envelope, with the details the streaming engine gives too
 *       ({@code route}, {@code upstream}, and {@code timeout: connect|response}): connect failure
 *       502 {@code bad_gateway}, connect or response timeout 504 {@code gateway_timeout}, no
 *       available target or an open circuit 503 {@code service_unavailable} with
 *       {@code Retry-After}.</li>
 * </ul>
 */
@Singleton
final class BufferedProxy {

    private static final Logger LOG = LoggerFactory.getLogger(BufferedProxy.class);

    private static final ByteBodyFactory BODIES = ByteBodyFactory.createDefault(ByteArrayBufferFactory.INSTANCE);

    private final UpstreamClients clients;
    private final ErrorResponses errors;
    private final ClientConnection clientConnection;
    private final ProxyConfiguration configuration;
    private final LocalResources localResources;

    BufferedProxy(UpstreamClients clients, ErrorResponses errors, ClientConnection clientConnection,
                  ProxyConfiguration configuration, LocalResources localResources) {
        this.localResources = localResources;
        this.clients = clients;
        this.errors = errors;
        this.clientConnection = clientConnection;
        this.configuration = configuration;
    }

    /**
     * @param request  the client's request
     * @param match    the route it matched
     * @param upstream the route's upstream, or {@code null} when the snapshot lacks it
     * @return the response for the client; never an error signal
     */
    Mono<MutableHttpResponse<?>> forward(HttpRequest<?> request, RouteMatch match, Upstream upstream) {
        RouteDefinition route = match.route().definition();
        if (route.streaming() || route.websocket()) {
            return Mono.just(notImplemented(request, route));
        }
        if (upstream == null) {
            return Mono.just(errors.response(request, ErrorCode.BAD_GATEWAY,
                "Route '" + route.id() + "' names an upstream that is not in force.", Map.of("route", route.id())));
        }
        // A route's own body limit (request-limits), when its policy set one on the exchange.
        long requestLimit = request.getAttribute(PolicyExchange.ATTRIBUTE, PolicyExchange.class)
            .map(exchange -> exchange.maxRequestBody(configuration.getMaxRequestBody()))
            .orElse(configuration.getMaxRequestBody());
        int limit = (int) Math.min(requestLimit, configuration.getMaxBufferedBody());
        if (request.getContentLength() > limit) {
            return Mono.just(tooLarge(request, limit));
        }
        return readRequestBody(request, limit)
            .flatMap(body -> {
                ForwardedRequest forwarded = ForwardedRequest.of(request, match, clientConnection,
                    configuration.isTrustForwardedHeaders(), body.length);
                Exchange exchange = new Exchange(request, route, upstream, forwarded, body, hashKey(request, upstream),
                    ForwardingHeaders.isIdempotent(request.getMethodName().toUpperCase(Locale.ROOT)));
                return attempt(exchange, 0, null, null);
            })
            .onErrorResume(BodyTooLargeException.class, e -> Mono.just(tooLarge(request, limit)));
    }

    private Mono<MutableHttpResponse<?>> attempt(Exchange exchange, int retry, TargetState previous,
                                                 Supplier<MutableHttpResponse<?>> fallback) {
        Selection selection;
        try {
            selection = exchange.upstream().select(exchange.hashKey(), previous);
        } catch (UpstreamUnavailableException e) {
            return Mono.just(fallback != null ? fallback.get() : unavailable(exchange.request(), e));
        }
        Outcome outcome = new Outcome(selection);
        TargetState target = selection.target();
        RouteDefinition route = exchange.route();
        MutableHttpRequest<?> upstreamRequest;
        try {
            upstreamRequest = exchange.forwarded().toRequest(target);
        } catch (IllegalArgumentException e) {
            outcome.released();
            return Mono.just(errors.response(exchange.request(), ErrorCode.BAD_REQUEST,
                "The request path cannot be forwarded.", Map.of("route", route.id())));
        }
        PolicyExchange observed = exchange.request().getAttribute(PolicyExchange.ATTRIBUTE, PolicyExchange.class).orElse(null);
        if (observed != null) {
            observed.upstreamCalled(target.toString(), upstreamRequest.getHeaders()::set);
        }
        int limit = configuration.getMaxBufferedBody();
        Mono<UpstreamResponse> call = Mono.defer(() -> Mono.<HttpResponse<?>>from(clients.forConnectTimeout(route.timeouts().connect())
                .exchange(upstreamRequest, BODIES.adapt(exchange.body()), null)))
            .flatMap(response -> {
                if (observed != null) {
                    observed.upstreamAnswered(response.code());
                }
                return readResponse(response, limit);
            })
            .timeout(route.timeouts().response());
        return call
            .map(Result::ok)
            .onErrorResume(e -> Mono.just(Result.failed(e)))
            .flatMap(result -> {
                if (result.response() != null) {
                    UpstreamResponse response = result.response();
                    outcome.completed(response.status());
                    if (exchange.retryable(retry) && route.retries().onStatuses().contains(response.status())) {
                        LOG.debug("Route {}: {} answered {}, retrying", route.id(), target, response.status());
                        return retry(exchange, retry, target, () -> toClient(response));
                    }
                    return Mono.just(toClient(response));
                }
                Throwable failure = result.failure();
                if (observed != null) {
                    // No-op when the head had arrived (a body too large).
                    observed.upstreamFailed(classify(failure).name().toLowerCase(Locale.ROOT));
                }
                if (failure instanceof ResponseTooLargeException tooLarge) {
                    outcome.completed(tooLarge.status());
                    return Mono.just(failure(exchange, FailureKind.RESET, failure));
                }
                LocalResources.Shortage shortage = LocalResources.localFailure(failure);
                if (shortage != null) {
                    // The gateway ran out, not the target: nothing counts against it, and no retry.
                    outcome.released();
                    localResources.exhausted(shortage);
                    return Mono.just(response(exchange.request(), LocalResources.overloaded(shortage)));
                }
                FailureKind kind = classify(failure);
                outcome.failed(kind);
                LOG.warn("Route {}: {} {} failed on {}: {}", route.id(), exchange.request().getMethodName(),
                    exchange.forwarded().path(), target, describe(failure));
                if (connectPhase(failure) && exchange.retryable(retry)) {
                    return retry(exchange, retry, target, () -> failure(exchange, kind, failure));
                }
                return Mono.just(failure(exchange, kind, failure));
            })
            .doOnCancel(outcome::released);
    }

    private Mono<MutableHttpResponse<?>> retry(Exchange exchange, int retry, TargetState previous,
                                               Supplier<MutableHttpResponse<?>> fallback) {
        return Mono.delay(backoff(exchange.route().retries(), retry))
            .then(Mono.defer(() -> attempt(exchange, retry + 1, previous, fallback)));
    }

    static Duration backoff(RouteDefinition.Retries retries, int retry) {
        Duration wait = retries.backoff().multipliedBy(1L << Math.min(retry, 20));
        return wait.compareTo(retries.maxBackoff()) > 0 ? retries.maxBackoff() : wait;
    }

    private static Mono<byte[]> readRequestBody(HttpRequest<?> request, int limit) {
        return BufferedBodies.buffered(request, limit).onErrorMap(BufferedBodies.TooLargeException.class, e -> new BodyTooLargeException());
    }

    private static Mono<UpstreamResponse> readResponse(HttpResponse<?> response, int limit) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        response.getHeaders().forEach((name, values) -> values.forEach(v -> headers.add(Map.entry(name, v))));
        int status = response.code();
        String reason = response.reason();
        if (response instanceof ByteBodyHttpResponse<?> raw) {
            return BufferedBodies.bounded(raw.byteBody().toByteArrayPublisher(), limit, () -> new ResponseTooLargeException(status))
                .map(body -> new UpstreamResponse(status, reason, headers, body))
                .doFinally(signal -> raw.close());
        }
        byte[] body = response.getBody(byte[].class).orElse(new byte[0]);
        return body.length > limit ? Mono.error(new ResponseTooLargeException(status))
            : Mono.just(new UpstreamResponse(status, reason, headers, body));
    }

    private static MutableHttpResponse<?> toClient(UpstreamResponse response) {
        MutableHttpResponse<byte[]> out = HttpResponse.status(response.status(), response.reason());
        Set<String> connectionTokens = ForwardingHeaders.connectionTokens(response.headers().stream()
            .filter(h -> h.getKey().equalsIgnoreCase(HttpHeaders.CONNECTION)).map(Map.Entry::getValue).toList());
        for (Map.Entry<String, String> header : response.headers()) {
            String name = header.getKey();
            if (ForwardingHeaders.isHopByHop(name, connectionTokens) || name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                continue;
            }
            out.getHeaders().add(name, header.getValue());
        }
        if (response.body().length > 0) {
            out.body(response.body());
        }
        return out;
    }

    /**
     * @param failure what went wrong
     * @return how the target failed: a connect timeout counts as a timeout, as in the streaming engine
     */
    static FailureKind classify(Throwable failure) {
        if (connectTimedOut(failure)) {
            return FailureKind.TIMEOUT;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof ReadTimeoutException) {
                return FailureKind.TIMEOUT;
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return FailureKind.CONNECT;
            }
        }
        return FailureKind.RESET;
    }

    /**
     * @param failure what went wrong
     * @return whether the request never reached the target (refused, unreachable, or the connect
     *     timed out), so that even a retry cannot repeat it
     */
    static boolean connectPhase(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    /** Netty reports a connect timeout as a {@link ConnectException} subclass named so. */
    private static boolean connectTimedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                return true;
            }
        }
        return false;
    }

    private MutableHttpResponse<?> failure(Exchange exchange, FailureKind kind, Throwable failure) {
        RouteDefinition route = exchange.route();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("route", route.id());
        details.put("upstream", route.upstream());
        HttpRequest<?> request = exchange.request();
        if (failure instanceof ResponseTooLargeException) {
            details.put("reason", "response_too_large");
            details.put("limit_bytes", configuration.getMaxBufferedBody());
            return errors.response(request, ErrorCode.BAD_GATEWAY, "The response of upstream '" + route.upstream()
                + "' is larger than the gateway buffers.", details);
        }
        // The same details as the container's streaming engine: route, upstream, and for timeouts which one.
        return switch (kind) {
            case CONNECT -> errors.response(request, ErrorCode.BAD_GATEWAY, "Upstream '" + route.upstream()
                + "' could not be reached.", details);
            case TIMEOUT -> {
                boolean connect = connectTimedOut(failure);
                details.put("timeout", connect ? "connect" : "response");
                long millis = (connect ? route.timeouts().connect() : route.timeouts().response()).toMillis();
                yield errors.response(request, ErrorCode.GATEWAY_TIMEOUT, connect
                    ? "Upstream '" + route.upstream() + "' did not accept a connection within " + millis + " ms."
                    : "Upstream '" + route.upstream() + "' did not answer within " + millis + " ms.", details);
            }
            case RESET, SERVER_ERROR -> errors.response(request, ErrorCode.BAD_GATEWAY, "The connection to upstream '"
                + route.upstream() + "' broke before a complete response.", details);
        };
    }

    private MutableHttpResponse<?> unavailable(HttpRequest<?> request, UpstreamUnavailableException e) {
        return response(request, e);
    }

    private MutableHttpResponse<?> response(HttpRequest<?> request, GatewayException e) {
        MutableHttpResponse<?> response = errors.response(request, e.errorCode(), e.getMessage(), e.details());
        e.headers().forEach(response.getHeaders()::set);
        return response;
    }

    private MutableHttpResponse<?> notImplemented(HttpRequest<?> request, RouteDefinition route) {
        String kind = route.websocket() ? "a WebSocket route" : "a streaming route";
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("route", route.id());
        details.put("streaming", route.streaming());
        details.put("websocket", route.websocket());
        details.put("served_by", "container");
        return errors.response(request, ErrorCode.NOT_IMPLEMENTED, "Route '" + route.id() + "' is " + kind
            + "; it is served by the container runtime, not by this one.", details);
    }

    private MutableHttpResponse<?> tooLarge(HttpRequest<?> request, int limit) {
        return response(request, ProxyConfiguration.bodyTooLarge(limit));
    }

    /**
     * @return the consistent-hash key: the named header, or the named claim of the principal that
     *     route access admitted ({@link GatewayPrincipal#ATTRIBUTE}), as the streaming engine reads them
     */
    private static String hashKey(HttpRequest<?> request, Upstream upstream) {
        String hashOn = upstream.definition().hashOn();
        if (hashOn == null) {
            return null;
        }
        if (hashOn.startsWith("header:")) {
            return request.getHeaders().get(hashOn.substring("header:".length()));
        }
        if (hashOn.startsWith("claim:")) {
            Object claim = request.getAttribute(GatewayPrincipal.ATTRIBUTE, GatewayPrincipal.class)
                .map(principal -> principal.claim(hashOn.substring("claim:".length())))
                .orElse(null);
            return claim == null ? null : String.valueOf(claim);
        }
        return null;
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /**
     * One client request on its way upstream.
     *
     * @param request    the client's request
     * @param route      the route it matched
     * @param upstream   the route's upstream
     * @param forwarded  the request to send, per target
     * @param body       the buffered body
     * @param hashKey    the consistent-hash key, or {@code null}
     * @param idempotent whether the method may be retried
     */
    private record Exchange(HttpRequest<?> request, RouteDefinition route, Upstream upstream, ForwardedRequest forwarded,
                            byte[] body, String hashKey, boolean idempotent) {
        boolean retryable(int retry) {
            return idempotent && retry < route.retries().attempts();
        }
    }

    /**
     * A complete upstream response.
     *
     * @param status  its status
     * @param reason  its reason phrase
     * @param headers its headers in order
     * @param body    its body
     */
    private record UpstreamResponse(int status, String reason, List<Map.Entry<String, String>> headers, byte[] body) {
    }

    /**
     * A response or the failure that prevented it.
     *
     * @param response the response, or {@code null}
     * @param failure  the failure, or {@code null}
     */
    private record Result(UpstreamResponse response, Throwable failure) {
        static Result ok(UpstreamResponse response) {
            return new Result(response, null);
        }

        static Result failed(Throwable failure) {
            return new Result(null, failure);
        }
    }

    /** Reports to a selection at most once, whichever of completion, failure or cancellation comes first. */
    private static final class Outcome {
        private final Selection selection;
        private final AtomicBoolean reported = new AtomicBoolean();

        Outcome(Selection selection) {
            this.selection = selection;
        }

        void completed(int status) {
            if (reported.compareAndSet(false, true)) {
                selection.completed(status);
            }
        }

        void failed(FailureKind kind) {
            if (reported.compareAndSet(false, true)) {
                selection.failed(kind);
            }
        }

        void released() {
            if (reported.compareAndSet(false, true)) {
                selection.released();
            }
        }
    }

    /** The client's body exceeds the limit. */
    private static final class BodyTooLargeException extends RuntimeException {
        BodyTooLargeException() {
            super("request body too large", null, false, false);
        }
    }

    /** The upstream's body exceeds the limit. */
    private static final class ResponseTooLargeException extends RuntimeException {
        private final int status;

        ResponseTooLargeException(int status) {
            super("response body too large", null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
