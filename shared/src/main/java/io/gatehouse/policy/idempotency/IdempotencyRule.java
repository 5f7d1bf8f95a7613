package io.gatehouse.policy.idempotency;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.policy.store.StoreKind;
import io.gatehouse.policy.store.StoredPolicy;
import io.gatehouse.route.RouteDefinition;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A route's {@code idempotency} section, read and validated:
 * <pre>
 * idempotency:
 *   ttl: 24h          # how long a response is kept for replay (the default)
 *   required: true    # a POST or PATCH without Idempotency-Key is refused 400 (default false)
 *   store: redis      # memory | redis; default redis when redis.uri is set, else memory
 * </pre>
 *
 * @param ttl      how long a completed response is kept
 * @param required whether POST and PATCH must carry a key
 * @param store    where records are kept, or {@code null} for the gateway's default
 */
record IdempotencyRule(Duration ttl, boolean required, StoreKind store) implements StoredPolicy.Rule {

    /** The route key. */
    static final String KEY = "idempotency";

    /** How long a response is kept when the route does not say: a day, as the IETF draft suggests. */
    static final Duration DEFAULT_TTL = Duration.ofHours(24);

    /** The longest {@code ttl} accepted. */
    static final Duration MAX_TTL = Duration.ofDays(365);

    /**
     * Reads and validates a route's {@code idempotency} section, recording every problem with its field path.
     *
     * @param route the route's node
     * @param match the route's matchers, or {@code null} when they are invalid themselves
     * @return the rule, or {@code null} when the route has none or it is unusable
     */
    static IdempotencyRule parse(ConfigNode route, RouteDefinition.Match match) {
        ConfigNode node = route.get(KEY);
        if (node.isMissing()) {
            return null;
        }
        if (!(node.raw() instanceof Map<?, ?>)) {
            node.problem("must be a map with ttl, required and store");
            return null;
        }
        node.allowOnly("ttl", "required", "store");
        ConfigNode ttlNode = node.get("ttl");
        Duration ttl = ttlNode.duration(DEFAULT_TTL);
        if (ttl.isZero() || ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
            ttlNode.problem("must be more than 0 and at most 365 days, not " + ttlNode.raw());
        }
        boolean required = node.get("required").bool(false);
        StoreKind store = node.get("store").choice(null, StoreKind.class);
        StoredPolicy.refuseWhereUseless(route, node, match, List.of("POST", "PATCH"),
            "it reads whole requests and keeps whole responses", "only POST and PATCH carry keys");
        return new IdempotencyRule(ttl, required, store);
    }
}
