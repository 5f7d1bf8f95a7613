package io.gatehouse.security;

import io.gatehouse.error.GatewayException;
import io.gatehouse.route.RequestView;

/**
 * A credential that belongs to the gateway alone and must never reach an upstream, whatever route
 * matched: {@link RouteAccess} asks every guard before it authenticates a routed request, on every
 * engine, and a guard that recognises its credential refuses the request.
 */
public interface ForwardingGuard {

    /**
     * @param request a request a route matched, before anything is forwarded
     * @throws GatewayException when the request carries a credential that must stay at the gateway
     */
    void check(RequestView request);
}
