package io.gatehouse.policy.size;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.RouteDefinition;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.Map;

/**
 * A route's {@code request-limits} key, read once when the route loads:
 * <pre>
 * request-limits:
 *   max-body: 1MiB     # bytes, or with KiB, MiB, GiB (KB, MB, GB read the same); 0 allows no body
 * </pre>
 *
 * @param maxBody the largest request body in bytes
 */
record RequestLimits(long maxBody) {

    /** The route key. */
    static final String KEY = "request-limits";

    /** The largest {@code max-body} accepted: 1 TiB, far beyond what any engine should take in one request. */
    static final long MAX_BODY_LIMIT = 1L << 40;

    /**
     * @param route a route's definition (validated when it loaded)
     * @return its limits, or {@code null} when it has no {@code request-limits} key
     */
    static @Nullable RequestLimits of(RouteDefinition route) {
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
            node.problem("must be a map such as { max-body: 1MiB }");
            return null;
        }
        node.allowOnly("max-body");
        ConfigNode maxBody = node.get("max-body");
        if (maxBody.isMissing()) {
            maxBody.problem("is required: the largest request body, such as 1MiB");
            return null;
        }
        long bytes = maxBody.bytes(-1, 0, MAX_BODY_LIMIT);
        return bytes < 0 ? null : new RequestLimits(bytes);
    }
}
