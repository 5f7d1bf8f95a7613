package io.gatehouse.route;

import io.gatehouse.upstream.UpstreamDefinition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of every route, sorted by the priority rule, plus the definition it was
 * compiled from. The first route that matches a request wins.
 *
 * <p>The priority rule, deterministic for any set of routes:
 * <ol>
 *   <li>higher {@code priority} first (default 0);</li>
 *   <li>exact paths before patterns;</li>
 *   <li>more literal segments first, then more literal characters;</li>
 *   <li>more segments first, then patterns without {@code **} before those with it;</li>
 *   <li>more conditions (host, methods, each header and query matcher) first;</li>
 *   <li>declaration order: file, then application configuration, then the admin API, each top to bottom.</li>
 * </ol>
 */
public final class RouteTable {

    static final Comparator<CompiledRoute> PRIORITY = Comparator
        .comparingInt((CompiledRoute r) -> -r.definition().priority())
        .thenComparing(r -> r.definition().match().path().isExact() ? 0 : 1)
        .thenComparingInt(r -> -r.definition().match().path().literalSegments())
        .thenComparingInt(r -> -r.definition().match().path().literalLength())
        .thenComparingInt(r -> -r.definition().match().path().segmentCount())
        .thenComparing(r -> r.definition().match().path().hasRemainder() ? 1 : 0)
        .thenComparingInt(r -> -r.definition().match().conditions())
        .thenComparingInt(CompiledRoute::order);

    private final long version;
    private final List<CompiledRoute> routes;
    private final Map<String, UpstreamDefinition> upstreams;

    /**
     * @param version   a number that grows with every swap
     * @param routes    validated routes in declaration order
     * @param upstreams validated upstreams by name; every route's upstream is among them
     */
    public RouteTable(long version, List<RouteDefinition> routes, Map<String, UpstreamDefinition> upstreams) {
        this.version = version;
        this.upstreams = Map.copyOf(upstreams);
        List<CompiledRoute> compiled = new ArrayList<>(routes.size());
        for (int i = 0; i < routes.size(); i++) {
            compiled.add(new CompiledRoute(routes.get(i), i));
        }
        compiled.sort(PRIORITY);
        this.routes = List.copyOf(compiled);
    }

    /**
     * @param request the request
     * @return the first matching route, or {@code null}
     */
    public RouteMatch match(RequestView request) {
        for (CompiledRoute route : routes) {
            RouteMatch match = route.match(request);
            if (match != null) {
                return match;
            }
        }
        return null;
    }

    /**
     * @return the routes in priority order
     */
    public List<CompiledRoute> routes() {
        return routes;
    }

    /**
     * @return the upstream definitions by name
     */
    public Map<String, UpstreamDefinition> upstreams() {
        return upstreams;
    }

    /**
     * @return the table's version
     */
    public long version() {
        return version;
    }
}
