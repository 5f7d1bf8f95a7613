package io.gatehouse.security;

import io.gatehouse.api.OwnedPaths;
import io.gatehouse.definition.GatewayState;
import io.gatehouse.error.ErrorResponses;
import io.gatehouse.error.GatewayException;
import io.gatehouse.observability.RequestIds;
import io.gatehouse.route.RouteMatch;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterContinuation;
import io.micronaut.http.filter.ServerFilterPhase;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import io.micronaut.web.router.RouteAttributes;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs {@link RouteAccess} for every request that matches a gateway route and passes through
 * Micronaut's HTTP layer (the buffered proxy engine, Lambda). An admitted request carries its
 * {@link GatewayPrincipal} as the {@link GatewayPrincipal#ATTRIBUTE} attribute and its route match as
 * {@link RouteAccess#ROUTE_MATCH_ATTRIBUTE}; its headers are prepared for the upstream (forged
 * claim headers removed, forwarded claims set, {@code Authorization} stripped where the route says
 * so). A refused one is answered here with the 401/403 envelope. Requests that match no route pass
 * untouched, and so do requests for a path the gateway owns ({@link OwnedPaths}), whatever routes
 * match it: the gateway's own endpoints are never a route's, so a route's rules (and an external
 * decision service that may be shown credentials) never see them.
 *
 * <p>micronaut-security's own {@code SecurityFilter} is switched off
 * ({@code micronaut.security.filter.enabled: false}): it would reject every gateway endpoint that
 * carries no {@code @Secured} rule. This filter takes its place, in the same phase.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Requires(property = RouteAccessFilterConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class RouteAccessFilter implements Ordered {

    private final GatewayState state;
    private final RouteAccess access;
    private final ErrorResponses errorResponses;
    private final String principalHeader;
    private final OwnedPaths ownedPaths;

    RouteAccessFilter(GatewayState state, RouteAccess access, ErrorResponses errorResponses,
                      RouteAccessFilterConfiguration configuration, OwnedPaths ownedPaths) {
        this.state = state;
        this.ownedPaths = ownedPaths;
        this.access = access;
        this.errorResponses = errorResponses;
        this.principalHeader = configuration.getPrincipalHeader();
    }

    @RequestFilter
    Publisher<MutableHttpResponse<?>> checkAccess(HttpRequest<?> request, FilterContinuation<Publisher<MutableHttpResponse<?>>> continuation) {
        if (RouteAttributes.getRouteMatch(request).isPresent()) {
            // A gateway-owned endpoint (a controller) wins over any route, as in both proxy engines.
            return continuation.proceed();
        }
        HttpRequestView view = new HttpRequestView(request);
        if (ownedPaths.owns(view.path())) {
            return continuation.proceed();
        }
        RouteMatch match = state.current().table().match(view);
        if (match == null) {
            return continuation.proceed();
        }
        request.setAttribute(RouteAccess.ROUTE_MATCH_ATTRIBUTE, match);
        CompletableFuture<GatewayPrincipal> decision = access.checkAsync(match, view, RequestIds.of(request)).toCompletableFuture();
        if (decision.isDone()) {
            try {
                return admit(request, match, decision.join(), continuation);
            } catch (CompletionException e) {
                return refuse(request, e.getCause());
            }
        }
        return Mono.fromFuture(decision)
            .flatMapMany(principal -> admit(request, match, principal, continuation))
            .onErrorResume(GatewayException.class, e -> refuse(request, e));
    }

    private Publisher<MutableHttpResponse<?>> admit(HttpRequest<?> request, RouteMatch match, GatewayPrincipal principal,
                                                    FilterContinuation<Publisher<MutableHttpResponse<?>>> continuation) {
        request.setAttribute(GatewayPrincipal.ATTRIBUTE, principal);
        UpstreamIdentity identity = access.upstreamIdentity(match, principal);
        request.setAttribute(UpstreamIdentity.ATTRIBUTE, identity);
        if (identity != UpstreamIdentity.NONE && request instanceof MutableHttpRequest<?> mutable) {
            MutableHttpHeaders headers = mutable.getHeaders();
            identity.remove().forEach(headers::remove);
            identity.set().forEach(headers::set);
        }
        Publisher<MutableHttpResponse<?>> response = continuation.proceed();
        if (principalHeader == null || principal.anonymous()) {
            return response;
        }
        String value = principal.method() + " " + (principal.subject() == null ? "-" : principal.subject());
        return Flux.from(response).map(r -> r.header(principalHeader, value));
    }

    private Publisher<MutableHttpResponse<?>> refuse(HttpRequest<?> request, Throwable failure) {
        if (!(failure instanceof GatewayException refused)) {
            return Mono.error(failure);
        }
        MutableHttpResponse<?> response = errorResponses.response(request, refused.errorCode(), refused.getMessage(), refused.details());
        refused.headers().forEach(response.getHeaders()::add);
        return Mono.just(response);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
