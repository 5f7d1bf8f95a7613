package io.gatehouse.policy.size;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RouteDefinition;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.Map;

/**
 * A route's {@code request-limits} key, read once when the route loads:
 * <pre>
 * request-limits:
 *   max-body: 1MiB     # bytes, or with KiB, MiB, GiB (KB, MB, GB read the same); 0 allows no body
 *   max-in-flight: 200 # requests of this route an instance serves at once; one more is a 503
 * </pre>
 * At least one of the two.
 *
 * @param maxBody     the largest request body in bytes, or {@link #UNSET}
 * @param maxInFlight the most requests of the route in flight on one instance, or {@link #UNSET}
 */
record RequestLimits(long maxBody, int maxInFlight) {

    /** A limit the route does not set. */
    static final int UNSET = -1;

    /** The largest {@code max-in-flight} accepted. */
    static final int MAX_IN_FLIGHT_LIMIT = 1_000_000;

    /** The route key. */
    static final String KEY = "request-limits";

    /** The largest {@code max-body} accepted: 1 TiB, far beyond what any engine should take in one request. */
    static final long MAX_BODY_LIMIT = 1L << 40;

    /**
     * @param compiled a route of a table coming into force (validated when it loaded), or {@code null}
     *                 for the gateway's own endpoints
     * @return its limits, or {@code null} when it has no {@code request-limits} key
     */
    static @Nullable RequestLimits of(@Nullable CompiledRoute compiled) {
        if (compiled == null) {
            return null;
        }
        RouteDefinition route = compiled.definition();
        Object raw = route.policies().get(KEY);
        if (raw == null) {
            return null;
        }
        // Problems were reported when the route loaded; a route with any does not come into force.
        return parse(ConfigNode.root("route " + route.id(), Map.of(KEY, raw), new ArrayList<>()).get(KEY));
    }

    /**
     * Reads the key, recording every problem on the node.
     *
     * @param node the {@code request-limits} node
     * @return the limits, or {@code null} when the key is missing or sets nothing
     */
    static @Nullable RequestLimits parse(ConfigNode node) {
        if (node.isMissing()) {
            return null;
        }
        if (!(node.raw() instanceof Map<?, ?>)) {
            node.problem("must be a map such as { max-body: 1MiB, max-in-flight: 200 }");
            return null;
        }
        node.allowOnly("max-body", "max-in-flight");
        ConfigNode maxBody = node.get("max-body");
        ConfigNode maxInFlight = node.get("max-in-flight");
        if (maxBody.isMissing() && maxInFlight.isMissing()) {
            node.problem("sets no limit: give max-body (the largest request body, such as 1MiB), max-in-flight (the most requests "
                + "served at once, such as 200) or both");
            return null;
        }
        long bytes = maxBody.isMissing() ? UNSET : maxBody.bytes(-2, 0, MAX_BODY_LIMIT);
        int inFlight = maxInFlight.isMissing() ? UNSET : maxInFlight.integer(-2, 1, MAX_IN_FLIGHT_LIMIT);
        return bytes == -2 || inFlight == -2 ? null : new RequestLimits(bytes, inFlight);
    }
}
