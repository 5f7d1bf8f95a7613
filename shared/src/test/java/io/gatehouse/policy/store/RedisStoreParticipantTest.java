package io.gatehouse.policy.store;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.definition.GatewayDefinition;
import io.gatehouse.testing.TestDefinitions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route that asks for {@code store: redis} on a gateway without {@code redis.uri} refuses the
 * definition, naming the route and the field; with Redis configured, or with {@code store: memory},
 * it comes into force.
 */
class RedisStoreParticipantTest {

    private static final GatewayDefinition DEFINITION = TestDefinitions.parse("""
        upstreams:
          svc:
            targets: ["http://127.0.0.1:1"]
        routes:
          - id: catalog
            match: { path: "/catalog/**" }
            upstream: svc
            cache: { ttl: 60s, store: redis }
          - id: orders
            match: { path: "/orders/**" }
            upstream: svc
            idempotency: { store: Redis }
          - id: local
            match: { path: "/local/**" }
            upstream: svc
            cache: { ttl: 60s, store: memory }
            idempotency: {}
        """);

    @Test
    void redisStoreWithoutRedis_thenRefusedNamingEachRouteAndField() {
        RedisStoreParticipant participant = new RedisStoreParticipant(new PolicyRedis(null, () -> {
            throw new AssertionError("never connects");
        }));
        DefinitionException refused = assertThrows(DefinitionException.class, () -> participant.prepare(DEFINITION));
        assertEquals(2, refused.problems().size(), refused.getMessage());
        assertEquals("routes[id=catalog].cache.store", refused.problems().get(0).path());
        assertEquals("routes[id=orders].idempotency.store", refused.problems().get(1).path());
        assertTrue(refused.problems().getFirst().message().contains("redis.uri"), refused.getMessage());
    }

    @Test
    void redisStoreWithRedis_thenPreparedWithoutConnecting() {
        RedisStoreParticipant participant = new RedisStoreParticipant(new PolicyRedis("redis://127.0.0.1:1", () -> {
            throw new AssertionError("preparing does not connect");
        }));
        assertEquals(Boolean.TRUE, participant.prepare(DEFINITION));
    }
}
