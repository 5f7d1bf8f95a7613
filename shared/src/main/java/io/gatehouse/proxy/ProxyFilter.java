package io.gatehouse.proxy;

import io.gatehouse.api.OwnedPaths;
import io.gatehouse.definition.GatewayState;
import io.gatehouse.route.RouteMatch;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterContinuation;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.web.router.RouteAttributes;
import org.reactivestreams.Publisher;

/**
 * Proxies every request that no gateway endpoint handles and a route of the table in force
 * matches, through the {@link BufferedProxy}. Gateway-owned paths always win: a request that
 * Micronaut routed to a controller ({@link RouteAttributes#getRouteMatch}) goes on unchanged; so
 * does one for a path the gateway owns ({@link OwnedPaths}) that Micronaut could not route, because
 * its method, {@code Content-Type} or {@code Accept} fits none of that path's endpoints (Micronaut
 * then answers 405, 415 or 406, never the upstream, which would otherwise receive the caller's
 * credentials for the gateway's own API); and so does one no route matches (it ends in the usual
 * 404 envelope).
 *
 * <p>Ordered {@link ServerFilterPhase#LAST}{@code .after()}: the innermost filter, where a controller
 * would be. Everything that wraps a controller call, whatever its phase (metrics, tracing, sessions,
 * security, limits, response rendering and transforms), wraps a proxied call the same way and sees
 * the upstream's response; a filter that answers itself (authentication, a cache hit) keeps the
 * request from reaching the upstream.
 *
 * <p>It is always active. The container's streaming engine takes proxied requests before Micronaut
 * sees them, so in the container only requests that engine leaves alone would reach this filter.
 */
@Internal
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class ProxyFilter implements Ordered {

    private final GatewayState state;
    private final BufferedProxy proxy;
    private final OwnedPaths ownedPaths;

    ProxyFilter(GatewayState state, BufferedProxy proxy, OwnedPaths ownedPaths) {
        this.state = state;
        this.proxy = proxy;
        this.ownedPaths = ownedPaths;
    }

    @RequestFilter
    Publisher<MutableHttpResponse<?>> proxy(HttpRequest<?> request, FilterContinuation<Publisher<MutableHttpResponse<?>>> next) {
        if (RouteAttributes.getRouteMatch(request).isPresent()) {
            return next.proceed();
        }
        HttpRequestView view = new HttpRequestView(request);
        if (ownedPaths.owns(view.path())) {
            return next.proceed();
        }
        GatewayState.Snapshot snapshot = state.current();
        RouteMatch match = snapshot.table().match(view);
        if (match == null) {
            return next.proceed();
        }
        return proxy.forward(request, match, snapshot.upstreams().get(match.route().definition().upstream()));
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.LAST.after();
    }
}
