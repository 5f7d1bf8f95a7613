package io.gatehouse.conversation;

import io.gatehouse.identity.IdentityRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A session's live state in Redis, {@code session:{id}:meta} (a hash of {@code persona_id},
 * {@code tenant}, {@code owner}, {@code last_activity} in epoch milliseconds), expiring
 * {@code gateway.conversations.session-ttl} after the last activity: what agents and other services
 * read without touching the database. PostgreSQL is the record; this is a view of it, so a Redis
 * outage never refuses a message: the update is skipped, counted
 * ({@code gatehouse_session_state_failures}) and logged, and the next activity writes it again.
 * Without {@code redis.uri} (the embedded default) there is no such key.
 */
@Singleton
final class SessionState {

    private static final Logger LOG = LoggerFactory.getLogger(SessionState.class);

    private final IdentityRedis redis;
    private final ConversationConfiguration configuration;
    private final Counter failures;

    SessionState(IdentityRedis redis, ConversationConfiguration configuration, MeterRegistry registry) {
        this.redis = redis;
        this.configuration = configuration;
        this.failures = Counter.builder("gatehouse_session_state_failures")
            .description("Session state updates Redis did not take (the database has the event)").register(registry);
    }

    /**
     * @param sessionId the session
     * @return its key
     */
    String key(String sessionId) {
        return configuration.getRedisPrefix() + sessionId + ":meta";
    }

    /**
     * Records activity on a session; returns at once, the write completes in the background.
     *
     * @param sessionId the session
     * @param tenant    its tenant, or {@code null}
     * @param owner     who opened it
     * @param personaId its persona, or {@code null}
     * @param now       epoch milliseconds
     */
    void touch(String sessionId, @Nullable String tenant, String owner, @Nullable String personaId, long now) {
        if (!redis.configured()) {
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("last_activity", Long.toString(now));
        fields.put("owner", owner);
        if (tenant != null) {
            fields.put("tenant", tenant);
        }
        if (personaId != null) {
            fields.put("persona_id", personaId);
        }
        String key = key(sessionId);
        try {
            var commands = redis.async();
            commands.hset(key, fields)
                .thenCompose(n -> commands.pexpire(key, configuration.getSessionTtl().toMillis()))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        failed(sessionId, error);
                    }
                });
        } catch (RuntimeException e) {
            failed(sessionId, e);
        }
    }

    private void failed(String sessionId, Throwable error) {
        failures.increment();
        LOG.warn("Session state of {} not written to Redis (the event is stored): {}", sessionId, error.toString());
    }
}
