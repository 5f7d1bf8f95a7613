package io.gatehouse.policy.store;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.identity.apikey.ApiKeyConfiguration;
import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RouteDefinition;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A policy that keeps responses in a {@link PolicyStore} ({@link Phase#CACHE_LOOKUP}): the
 * response cache and idempotency records. It owns the two stores of its kind (one in memory, one in
 * Redis when {@code redis.uri} is set), reads a route's section once when the route comes into
 * force, and gives the route's step the store the section asks for.
 *
 * <p>Such a step stores on its own response side, which runs before response transforms: what it
 * keeps is the upstream's response, and a response it answers with later goes through transforms,
 * CORS and security headers exactly as the upstream's did, so nothing is applied twice.
 *
 * @param <R> the route section, as read
 */
public abstract class StoredPolicy<R extends StoredPolicy.Rule> implements Policy {

    /** What every stored policy's route section says. */
    public interface Rule {

        /**
         * @return the store the route asks for, or {@code null} for the gateway's default
         */
        StoreKind store();
    }

    private final String key;
    private final PolicyStore memory;
    private final RedisStore redis;
    private final String apiKeyHeader;

    /**
     * @param key      the route key of the section, such as {@code cache}
     * @param settings the gateway-wide settings
     * @param redis    the Redis connection
     * @param apiKeys  where callers present API keys, for their scope
     * @param purpose  what the store holds, for the log
     */
    protected StoredPolicy(String key, StoreSettings settings, PolicyRedis redis, ApiKeyConfiguration apiKeys, String purpose) {
        this.key = key;
        this.memory = new MemoryStore(settings.getMemoryMaxBytes());
        this.redis = redis.configured() ? new RedisStore(redis, settings.getRedisPrefix(), settings.getStoreTimeout(), purpose) : null;
        this.apiKeyHeader = apiKeys.getHeader();
    }

    @Override
    public Phase phase() {
        return Phase.CACHE_LOOKUP;
    }

    @Override
    public final @Nullable PolicyStep compile(@Nullable CompiledRoute route) {
        if (route == null || !route.definition().policies().containsKey(key)) {
            return null;
        }
        // Validated when the route was loaded: problems cannot arise here.
        R rule = parse(ConfigNode.root("route " + route.id(), route.definition().policies(), new ArrayList<>()),
            route.definition().match());
        return rule == null ? null : step(route, rule, RedisStore.choose(rule.store(), memory, redis));
    }

    /**
     * @param route the route's policies
     * @param match the route's matchers
     * @return the section, or {@code null} when it is unusable
     */
    protected abstract R parse(ConfigNode route, RouteDefinition.Match match);

    /**
     * @param route the route
     * @param rule  its section
     * @param store the store it asked for
     * @return what the policy does on the route
     */
    protected abstract PolicyStep step(CompiledRoute route, R rule, PolicyStore store);

    /**
     * @param exchange an exchange, after access
     * @return the caller's scope ({@link RequestKeys#callerScope})
     */
    protected String callerScope(PolicyExchange exchange) {
        return RequestKeys.callerScope(exchange, apiKeyHeader);
    }

    /**
     * What a stored policy does on one route: it reads the response body, to keep it.
     *
     * @param <R> the route section
     */
    protected abstract static class Step<R extends Rule> implements PolicyStep {

        /** The route's id. */
        protected final String routeId;
        /** The route's section. */
        protected final R rule;
        /** Where the route's responses are kept. */
        protected final PolicyStore store;

        /**
         * @param routeId the route's id
         * @param rule    its section
         * @param store   the store it asked for
         */
        protected Step(String routeId, R rule, PolicyStore store) {
            this.routeId = routeId;
            this.rule = rule;
            this.store = store;
        }

        @Override
        public boolean needsResponseBody() {
            return true;
        }
    }

    /**
     * Refuses a section where it cannot work, recording the problem on it: on a streaming or
     * WebSocket route (stored policies need whole bodies), or on a route whose {@code match.methods}
     * holds none of the methods the policy acts on.
     *
     * @param route     the route's node
     * @param section   the section's node
     * @param match     the route's matchers, or {@code null}
     * @param methods   the methods the policy acts on
     * @param needs     why it needs whole bodies, such as {@code the cache keeps whole responses}
     * @param acts      which requests it acts on, such as {@code only GET and HEAD are cached}
     */
    public static void refuseWhereUseless(ConfigNode route, ConfigNode section, RouteDefinition.Match match, List<String> methods,
                                          String needs, String acts) {
        if (flag(route.get("streaming")) || flag(route.get("websocket"))) {
            section.problem("cannot apply to a streaming or WebSocket route: " + needs);
        }
        if (match != null && !match.methods().isEmpty() && methods.stream().noneMatch(match.methods()::contains)) {
            section.problem("does nothing here: the route matches " + match.methods() + ", and " + acts);
        }
    }

    /** A boolean route field as {@link RouteDefinition#parse} reads it, without recording its problems twice. */
    private static boolean flag(ConfigNode node) {
        Object raw = node.raw();
        return raw != null && List.of("true", "yes", "on").contains(String.valueOf(raw).trim().toLowerCase(Locale.ROOT));
    }
}
