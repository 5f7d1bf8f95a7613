package io.gatehouse.policy.cache;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.policy.store.StoreKind;
import io.gatehouse.policy.store.StoredPolicy;
import io.gatehouse.route.RouteDefinition;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A route's {@code cache} section, read and validated:
 * <pre>
 * cache:
 *   ttl: 60s                 # required: how long a response is kept when it does not say itself
 *   vary: [Accept, Accept-Language]   # request headers that are part of the key
 *   methods: [GET, HEAD]     # the default; only GET and HEAD are cached
 *   max-entry-size: 262144   # bytes; larger bodies pass uncached (default gateway.cache.max-entry-bytes)
 *   store: redis             # memory | redis; default redis when redis.uri is set, else memory
 * </pre>
 *
 * @param ttl          how long a response is kept when it gives no freshness of its own
 * @param vary         the request headers that are part of the key, lower case, in order
 * @param methods      the methods served from the cache (GET, HEAD or both)
 * @param maxEntrySize the largest body kept, in bytes, or {@code 0} for the gateway's default
 * @param store        where entries are kept, or {@code null} for the gateway's default
 */
record CacheRule(Duration ttl, List<String> vary, Set<String> methods, int maxEntrySize, StoreKind store)
    implements StoredPolicy.Rule {

    /** The route key. */
    static final String KEY = "cache";

    /** The longest {@code ttl} accepted. */
    static final Duration MAX_TTL = Duration.ofDays(365);

    /** The largest {@code max-entry-size} accepted, in bytes. */
    static final int MAX_ENTRY_SIZE = 64 * 1024 * 1024;

    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> CACHEABLE_METHODS = Set.of("GET", "HEAD");

    /**
     * Reads and validates a route's {@code cache} section, recording every problem with its field path.
     *
     * @param route the route's node
     * @param match the route's matchers, or {@code null} when they are invalid themselves
     * @return the rule, or {@code null} when the route has none or it is unusable
     */
    static CacheRule parse(ConfigNode route, RouteDefinition.Match match) {
        ConfigNode node = route.get(KEY);
        if (node.isMissing()) {
            return null;
        }
        if (!(node.raw() instanceof Map<?, ?>)) {
            node.problem("must be a map with ttl, vary, methods, max-entry-size and store");
            return null;
        }
        node.allowOnly("ttl", "vary", "methods", "max-entry-size", "store");
        Duration ttl = ttl(node.get("ttl"));
        List<String> vary = vary(node.get("vary"));
        Set<String> methods = methods(node.get("methods"));
        int maxEntrySize = node.get("max-entry-size").integer(0, 1, MAX_ENTRY_SIZE);
        StoreKind store = node.get("store").choice(null, StoreKind.class);
        StoredPolicy.refuseWhereUseless(route, node, match, List.of("GET", "HEAD"), "the cache keeps whole responses",
            "only GET and HEAD are cached");
        return ttl == null || methods.isEmpty() ? null : new CacheRule(ttl, vary, methods, maxEntrySize, store);
    }

    private static Duration ttl(ConfigNode node) {
        if (node.isMissing()) {
            node.problem("is required: how long a response is kept when it does not say itself, such as 60s");
            return null;
        }
        Duration ttl = node.duration(null);
        if (ttl == null) {
            return null;
        }
        if (ttl.isZero() || ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
            node.problem("must be more than 0 and at most 365 days, not " + node.raw());
            return null;
        }
        return ttl;
    }

    private static List<String> vary(ConfigNode node) {
        Set<String> names = new LinkedHashSet<>();
        for (ConfigNode element : node.elements()) {
            String name = element.requiredString();
            if (name == null) {
                continue;
            }
            if (!HEADER_NAME.matcher(name).matches()) {
                element.problem("'" + name + "' is not a header name");
            } else if (!names.add(name.toLowerCase(Locale.ROOT))) {
                element.problem("repeats '" + name + "'");
            }
        }
        return List.copyOf(names);
    }

    private static Set<String> methods(ConfigNode node) {
        if (node.isMissing()) {
            return CACHEABLE_METHODS;
        }
        Set<String> methods = new LinkedHashSet<>();
        List<ConfigNode> elements = node.elements();
        for (ConfigNode element : elements) {
            String method = element.requiredString();
            if (method == null) {
                continue;
            }
            String upper = method.toUpperCase(Locale.ROOT);
            if (!CACHEABLE_METHODS.contains(upper)) {
                element.problem("'" + method + "' is not cached: only GET and HEAD responses are");
            } else if (!methods.add(upper)) {
                element.problem("repeats '" + method + "'");
            }
        }
        if (elements.isEmpty() && node.raw() instanceof List<?>) {
            node.problem("must name GET, HEAD or both");
        } else if (methods.equals(Set.of("HEAD"))) {
            node.problem("names HEAD alone, but HEAD is answered from what a GET stored: name GET too");
        }
        return Set.copyOf(methods);
    }
}
