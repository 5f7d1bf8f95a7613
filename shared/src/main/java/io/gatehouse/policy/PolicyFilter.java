package io.gatehouse.policy;

import io.gatehouse.api.OwnedPaths;
import io.gatehouse.definition.GatewayState;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.ErrorResponses;
import io.gatehouse.error.GatewayException;
import io.gatehouse.observability.RequestIds;
import io.gatehouse.observability.tracing.ServerSpans;
import io.gatehouse.proxy.ClientConnection;
import io.gatehouse.proxy.ProxyConfiguration;
import io.gatehouse.proxy.BufferedBodies;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.security.HttpRequestView;
import io.gatehouse.security.RouteAccess;
import io.gatehouse.security.RouteAccessFilterConfiguration;
import io.gatehouse.security.UpstreamIdentity;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterContinuation;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteMatch;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The policy chain's adapter for Micronaut's HTTP layer: it runs the {@link PolicyChain} of every
 * request that passes through it — routed requests served by the buffered engine (the container's
 * h2c and fallback paths, both Lambda payloads), and the gateway's own endpoints, whose chain holds
 * the policies that apply everywhere (security headers).
 *
 * <p>The request side runs before the request goes on ({@code ProxyFilter} forwards it, innermost);
 * a step that answers or refuses keeps it from going on. An admitted request carries its
 * {@link GatewayPrincipal} as {@link GatewayPrincipal#ATTRIBUTE}, its route match as
 * {@link RouteAccess#ROUTE_MATCH_ATTRIBUTE}, the upstream header changes as
 * {@link UpstreamIdentity#ATTRIBUTE} and the exchange itself as {@link #EXCHANGE_ATTRIBUTE}. The
 * response side runs on every response, the upstream's, a step's answer and a refusal alike.
 * Requests for a path the gateway owns ({@link OwnedPaths}) never see a route's policies.
 *
 * <p>A response some earlier filter answered with before this one ran (a body over
 * {@code micronaut.server.max-request-size}, a path normalisation refusal) gets the response side
 * of its chain from {@link PolicyResponseFilter}.
 *
 * <p>micronaut-security's own {@code SecurityFilter} is switched off
 * ({@code micronaut.security.filter.enabled: false}): it would reject every gateway endpoint that
 * carries no {@code @Secured} rule. This filter takes its place, in the same phase.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Requires(property = RouteAccessFilterConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class PolicyFilter implements Ordered {

    /** The request attribute holding the request's {@link PolicyExchange}. */
    static final String EXCHANGE_ATTRIBUTE = PolicyExchange.ATTRIBUTE;

    /** The request attribute marking a request whose chain this filter ran, for {@link PolicyResponseFilter}. */
    static final String RAN_ATTRIBUTE = "gatehouse.policy-chain-ran";

    private static final Logger LOG = LoggerFactory.getLogger(PolicyFilter.class);

    private final GatewayState state;
    private final PolicyChains chains;
    private final ErrorResponses errorResponses;
    private final String principalHeader;
    private final OwnedPaths ownedPaths;
    private final ClientConnection client;
    private final ProxyConfiguration proxy;

    PolicyFilter(GatewayState state, PolicyChains chains, ErrorResponses errorResponses,
                 RouteAccessFilterConfiguration configuration, OwnedPaths ownedPaths, ClientConnection client,
                 ProxyConfiguration proxy) {
        this.state = state;
        this.chains = chains;
        this.ownedPaths = ownedPaths;
        this.errorResponses = errorResponses;
        this.principalHeader = configuration.getPrincipalHeader();
        this.client = client;
        this.proxy = proxy;
    }

    @RequestFilter
    Publisher<MutableHttpResponse<?>> filter(HttpRequest<?> request, FilterContinuation<Publisher<MutableHttpResponse<?>>> continuation) {
        HttpRequestView view = new HttpRequestView(request);
        RouteMatch match = null;
        var endpoint = RouteAttributes.getRouteMatch(request);
        // A gateway-owned endpoint (a controller, or a path it owns) wins over any route, as in both proxy engines.
        if (endpoint.isEmpty() && !ownedPaths.owns(view.path())) {
            match = state.current().table().match(view);
        }
        PolicyChain chain = chains.chain(match == null ? null : match.route());
        request.setAttribute(RAN_ATTRIBUTE, Boolean.TRUE);
        if (chain.isEmpty()) {
            return continuation.proceed();
        }
        PolicyExchange exchange = new PolicyExchange(match, view, RequestIds.of(request), client.address(request),
            "https".equals(client.scheme(request)), proxy.isTrustForwardedHeaders());
        request.setAttribute(EXCHANGE_ATTRIBUTE, exchange);
        if (endpoint.isPresent() && endpoint.get() instanceof UriRouteMatch<?, ?> uri) {
            exchange.endpoint(uri.getRouteInfo().getUriMatchTemplate().toPathString());
        }
        if (match != null) {
            request.setAttribute(RouteAccess.ROUTE_MATCH_ATTRIBUTE, match);
            // The buffered engine holds whole bodies: no route's limit goes above what it holds.
            exchange.bodyCeiling(proxy.getMaxBufferedBody());
        }
        if (chain.needsRequestBody()) {
            return Mono.from(BufferedBodies.buffered(request, proxy.bufferedRequestLimit()))
                .flatMapMany(body -> {
                    exchange.requestBody(body);
                    request.setAttribute(BufferedBodies.BUFFERED_ATTRIBUTE, body);
                    return run(request, chain, exchange, continuation);
                })
                .onErrorResume(BufferedBodies.TooLargeException.class,
                    e -> respond(request, chain, exchange, errorResponses.payloadTooLarge(request, proxy.bufferedRequestLimit())));
        }
        return run(request, chain, exchange, continuation);
    }

    private Publisher<MutableHttpResponse<?>> run(HttpRequest<?> request, PolicyChain chain, PolicyExchange exchange,
                                                  FilterContinuation<Publisher<MutableHttpResponse<?>>> continuation) {
        CompletableFuture<PolicyResult> decision = chain.request(exchange).toCompletableFuture();
        if (decision.isDone()) {
            return decided(request, chain, exchange, decision, continuation);
        }
        return Mono.fromFuture(decision).then(Mono.just(decision))
            .onErrorResume(e -> Mono.just(decision))
            .flatMapMany(done -> decided(request, chain, exchange, done, continuation));
    }

    private Publisher<MutableHttpResponse<?>> decided(HttpRequest<?> request, PolicyChain chain, PolicyExchange exchange,
                                                      CompletableFuture<PolicyResult> decision,
                                                      FilterContinuation<Publisher<MutableHttpResponse<?>>> continuation) {
        PolicyResult result;
        try {
            result = decision.join();
        } catch (RuntimeException e) {
            GatewayException refused = PolicyChain.refusal(e);
            if (refused == null) {
                LOG.error("A policy failed on {} {}", request.getMethodName(), request.getPath(), e.getCause() == null ? e : e.getCause());
                refused = new GatewayException(ErrorCode.INTERNAL_ERROR, "The gateway failed to handle the request.");
            }
            MutableHttpResponse<?> response = errorResponses.response(request, refused.errorCode(), refused.getMessage(),
                refused.details());
            refused.headers().forEach(response.getHeaders()::add);
            return respond(request, chain, exchange, response);
        }
        if (result instanceof PolicyResult.Respond answer) {
            MutableHttpResponse<byte[]> response = HttpResponse.status(answer.status(), null);
            answer.headers().forEach(header -> response.getHeaders().add(header.getKey(), header.getValue()));
            if (answer.body().length > 0) {
                response.body(answer.body());
            }
            return respond(request, chain, exchange, response);
        }
        return proceed(request, chain, exchange, continuation);
    }

    private Publisher<MutableHttpResponse<?>> proceed(HttpRequest<?> request, PolicyChain chain, PolicyExchange exchange,
                                                      FilterContinuation<Publisher<MutableHttpResponse<?>>> continuation) {
        GatewayPrincipal principal = exchange.principal();
        if (exchange.match() != null) {
            request.setAttribute(GatewayPrincipal.ATTRIBUTE, principal);
        }
        UpstreamIdentity identity = exchange.upstreamHeaders();
        request.setAttribute(UpstreamIdentity.ATTRIBUTE, identity);
        if (identity != UpstreamIdentity.NONE && request instanceof MutableHttpRequest<?> mutable) {
            // Removals and values set are idempotent, so ForwardedRequest applies them again safely; values
            // added (identity.add()) are applied by ForwardedRequest alone, or they would arrive twice.
            MutableHttpHeaders headers = mutable.getHeaders();
            identity.remove().forEach(headers::remove);
            identity.set().forEach(headers::set);
        }
        Publisher<MutableHttpResponse<?>> proceeded;
        try (PropagatedContext.Scope ignored = ServerSpans.current(exchange)) {
            proceeded = continuation.proceed();
        }
        return Flux.from(proceeded)
            .<MutableHttpResponse<?>>map(response -> finish(request, chain, exchange, response))
            .doOnError(e -> completed(request, chain, exchange, -1, true))
            .doOnCancel(() -> completed(request, chain, exchange, -1, true));
    }

    private Publisher<MutableHttpResponse<?>> respond(HttpRequest<?> request, PolicyChain chain, PolicyExchange exchange,
                                                      MutableHttpResponse<?> response) {
        return Mono.just(finish(request, chain, exchange, response));
    }

    private MutableHttpResponse<?> finish(HttpRequest<?> request, PolicyChain chain, PolicyExchange exchange,
                                          MutableHttpResponse<?> response) {
        try {
            chain.response(exchange, new MicronautResponseHead(response));
        } catch (RuntimeException e) {
            LOG.error("A response policy failed", e);
        }
        GatewayPrincipal principal = exchange.principal();
        if (principalHeader != null && !principal.anonymous()) {
            response.header(principalHeader, principal.method() + " " + (principal.subject() == null ? "-" : principal.subject()));
        }
        // The response is whole here (this layer buffers), so the exchange ends with it.
        completed(request, chain, exchange, bodyLength(response), false);
        return response;
    }

    private static void completed(HttpRequest<?> request, PolicyChain chain, PolicyExchange exchange, long bytesOut,
                                  boolean aborted) {
        if (exchange.isCompleted()) {
            return;
        }
        try {
            chain.completed(exchange, requestLength(request), bytesOut, aborted);
        } catch (RuntimeException e) {
            LOG.error("A policy failed at the end of an exchange", e);
        }
    }

    /** The request body's length: what was buffered, else what the request declared, else 0. */
    private static long requestLength(HttpRequest<?> request) {
        Object buffered = request.getAttribute(BufferedBodies.BUFFERED_ATTRIBUTE).orElse(null);
        if (buffered instanceof byte[] body) {
            return body.length;
        }
        return Math.max(0, request.getContentLength());
    }

    private static long utf8Length(CharSequence text) {
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }

    /** The response body's length when it is bytes or text already, else its declared length, else -1. */
    private static long bodyLength(MutableHttpResponse<?> response) {
        Object body = response.body();
        if (body == null) {
            return 0;
        }
        if (body instanceof byte[] bytes) {
            return bytes.length;
        }
        if (body instanceof CharSequence text) {
            return utf8Length(text);
        }
        long declared = response.getContentLength();
        return declared >= 0 ? declared : -1;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
