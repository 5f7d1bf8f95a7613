package io.gatehouse.policy;

import io.gatehouse.api.OwnedPaths;
import io.gatehouse.definition.GatewayState;
import io.gatehouse.observability.RequestIds;
import io.gatehouse.proxy.ClientConnection;
import io.gatehouse.proxy.ProxyConfiguration;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.security.HttpRequestView;
import io.gatehouse.security.RouteAccessFilterConfiguration;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.web.router.RouteAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response side of the chain for a response answered before {@link PolicyFilter} ran: a
 * filter of an earlier phase refused the request (a body over
 * {@code micronaut.server.max-request-size}, a path that normalisation refuses). Outermost, it
 * runs the response-side steps (security headers, a route's CORS headers) of the chain the
 * request would have had, so that no response of the gateway goes out without them. Requests
 * {@link PolicyFilter} saw are left alone: it ran their chain already.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Requires(property = RouteAccessFilterConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class PolicyResponseFilter implements Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyResponseFilter.class);

    private final GatewayState state;
    private final PolicyChains chains;
    private final OwnedPaths ownedPaths;
    private final ClientConnection client;
    private final ProxyConfiguration proxy;

    PolicyResponseFilter(GatewayState state, PolicyChains chains, OwnedPaths ownedPaths, ClientConnection client,
                         ProxyConfiguration proxy) {
        this.state = state;
        this.chains = chains;
        this.ownedPaths = ownedPaths;
        this.client = client;
        this.proxy = proxy;
    }

    @ResponseFilter
    void refusedEarly(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (request.getAttribute(PolicyFilter.RAN_ATTRIBUTE).isPresent()) {
            return;
        }
        try {
            HttpRequestView view = new HttpRequestView(request);
            RouteMatch match = null;
            if (RouteAttributes.getRouteMatch(request).isEmpty() && !ownedPaths.owns(view.path())) {
                match = state.current().table().match(view);
            }
            PolicyChain chain = chains.chain(match == null ? null : match.route());
            if (!chain.isEmpty()) {
                chain.response(new PolicyExchange(match, view, RequestIds.of(request), client.address(request),
                    "https".equals(client.scheme(request)), proxy.isTrustForwardedHeaders()), new MicronautResponseHead(response));
            }
        } catch (RuntimeException e) {
            // A path the view cannot take (the refusal itself may be about it): the gateway's own chain then.
            LOG.debug("Response policies of an early refusal fall back to the gateway's own", e);
            chains.ownResponse(new MicronautResponseHead(response), "https".equals(client.scheme(request)));
        }
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }
}
