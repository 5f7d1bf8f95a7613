package io.gatehouse.policy.store;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.definition.DefinitionParticipant;
import io.gatehouse.definition.GatewayDefinition;
import io.gatehouse.route.RouteDefinition;
import io.micronaut.core.annotation.Internal;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Refuses a definition in which a route asks for {@code store: redis} while this gateway has no
 * {@code redis.uri}: the route wants what it stores shared by every instance (idempotency across
 * instances depends on it), and quietly keeping it in one instance's memory would break that
 * promise. The route files themselves cannot know the gateway's settings, so this is checked when a
 * definition is about to come into force, at start-up and on every reload or admin write.
 */
@Internal
@Singleton
final class RedisStoreParticipant implements DefinitionParticipant<Boolean> {

    /** The route keys whose map may name a {@code store}. */
    static final List<String> STORED_POLICIES = List.of("cache", "idempotency");

    private final PolicyRedis redis;

    RedisStoreParticipant(PolicyRedis redis) {
        this.redis = redis;
    }

    @Override
    public Boolean prepare(GatewayDefinition definition) {
        if (redis.configured()) {
            return Boolean.TRUE;
        }
        List<DefinitionProblem> problems = new ArrayList<>();
        for (RouteDefinition route : definition.routes()) {
            for (String key : STORED_POLICIES) {
                if (route.policies().get(key) instanceof Map<?, ?> policy && policy.get("store") != null
                    && "redis".equals(String.valueOf(policy.get("store")).trim().toLowerCase(Locale.ROOT))) {
                    problems.add(new DefinitionProblem(route.source(), "routes[id=" + route.id() + "]." + key + ".store",
                        "is redis, but this gateway has no redis.uri: configure Redis or use store: memory"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new DefinitionException(problems);
        }
        return Boolean.FALSE;
    }
}
