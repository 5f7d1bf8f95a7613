package io.gatehouse.identity.token;

import io.gatehouse.identity.IdentityDatabase;
import io.gatehouse.identity.IdentityRedis;
import io.gatehouse.identity.IdentitySync;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The revoked tokens that have not expired yet, held in memory by every instance:
 * {@link #isRevoked(String)} is a map look-up, safe to call on an event loop. The JWT verifier
 * calls it with a token's {@code jti} after checking the signature.
 *
 * <p>PostgreSQL ({@code gh_tokens.revoked_at}) is the truth; with Redis, the sorted set
 * {@code <prefix>:revoked} (member {@code jti}, score the token's expiry in epoch seconds) caches it
 * so that instances reload from Redis instead of the database. {@link IdentitySync} decides when
 * to reload; a revocation announced on pub/sub is added before any reload.
 */
@Singleton
public class Revocations implements IdentitySync.Cache {

    /** The change topic of tokens. */
    public static final String TOPIC = "tokens";

    private final IdentityDatabase database;
    private final IdentityRedis redis;
    private volatile Map<String, Long> revoked = new ConcurrentHashMap<>();

    Revocations(IdentityDatabase database, IdentityRedis redis) {
        this.database = database;
        this.redis = redis;
    }

    /**
     * Non-blocking.
     *
     * @param jti a token's {@code jti} claim
     * @return whether the token was revoked (as far as this instance knows; see {@link IdentitySync}
     *         for how fresh that is)
     */
    public boolean isRevoked(String jti) {
        return jti != null && revoked.containsKey(jti);
    }

    /**
     * @return how many unexpired revoked tokens this instance knows
     */
    public int size() {
        return revoked.size();
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    /**
     * @param payload {@code <jti> <expires-at epoch seconds>}
     */
    @Override
    public void onMessage(String payload) {
        String[] parts = payload.split(" ");
        if (parts.length == 2) {
            try {
                add(parts[0], Long.parseLong(parts[1]));
            } catch (NumberFormatException ignored) {
                // Not a revocation message of ours; the reload it causes still applies.
            }
        }
    }

    @Override
    public void reload(boolean fromRedis) throws Exception {
        long now = Instant.now().getEpochSecond();
        Map<String, Long> fresh = new ConcurrentHashMap<>();
        if (fromRedis) {
            List<ScoredValue<String>> members = redis.await(redis.async().zrangebyscoreWithScores(
                redis.key("revoked"), Range.from(Range.Boundary.including(now), Range.Boundary.unbounded())));
            members.forEach(m -> fresh.put(m.getValue(), (long) m.getScore()));
        } else {
            database.transaction(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT jti, expires_at FROM gh_tokens WHERE revoked_at IS NOT NULL AND expires_at > ?")) {
                    statement.setLong(1, now);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            fresh.put(rows.getString(1), rows.getLong(2));
                        }
                    }
                }
                return null;
            });
            if (redis.configured() && !fresh.isEmpty()) {
                // Refill the cache (first use, or Redis lost its data).
                for (Map.Entry<String, Long> entry : fresh.entrySet()) {
                    redis.await(redis.async().zadd(redis.key("revoked"), entry.getValue(), entry.getKey()));
                }
            }
        }
        swap(fresh, now);
    }

    /**
     * Installs a reloaded view. A revocation is permanent until its token expires, so an unexpired
     * entry this instance already knows is kept: a reload that read the store just before a local
     * revocation committed must not drop it. Synchronised with {@link #add} so no addition falls
     * between the merge and the swap.
     */
    private synchronized void swap(Map<String, Long> fresh, long now) {
        revoked.forEach((jti, expiresAt) -> {
            if (expiresAt > now) {
                fresh.putIfAbsent(jti, expiresAt);
            }
        });
        revoked = fresh;
    }

    /**
     * Adds a revocation to this instance's view at once (the revoking instance does so before it
     * answers).
     *
     * @param jti       the token
     * @param expiresAt its expiry, epoch seconds
     */
    synchronized void add(String jti, long expiresAt) {
        revoked.put(jti, expiresAt);
    }
}
