package io.gatehouse.observability.health;

import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Redis, when {@code redis.uri} is configured: a {@code PING} on the shared connection.
 */
@Singleton
@Requires(property = "redis.uri")
final class RedisCheck implements DependencyCheck {

    private final BeanProvider<StatefulRedisConnection<String, String>> connection;

    RedisCheck(BeanProvider<StatefulRedisConnection<String, String>> connection) {
        this.connection = connection;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public CheckResult check(Duration timeout) throws Exception {
        String pong = connection.get().async().ping().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return "PONG".equalsIgnoreCase(pong) ? CheckResult.ok(Map.of()) : CheckResult.down("unexpected reply " + pong, Map.of());
    }
}
