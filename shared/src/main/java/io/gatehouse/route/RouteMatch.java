package io.gatehouse.route;

import java.util.Map;

/**
 * A request matched to a route.
 *
 * @param route     the route
 * @param variables the path variables, such as {@code project}
 * @param matched   the part of the path the pattern matched before {@code **}
 * @param remainder the part matched by {@code **}
 */
public record RouteMatch(CompiledRoute route, Map<String, String> variables, String matched, String remainder) {

    /**
     * @param requestPath the request path the match was made on
     * @return the path to request from the upstream, before the target's own base path
     */
    public String upstreamPath(String requestPath) {
        return route.rewritePath(requestPath, this);
    }
}
