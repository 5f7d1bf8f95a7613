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
 * <p>A revocation of a token the gateway issued applies to that token. A revocation of a token it
 * did not issue (kind {@code foreign}) made by a tenant administrator applies only to a token of
 * that tenant with that {@code jti}: another tenant's token that happens to carry the same
 * {@code jti} is not stopped by it.
 *
 * <p>PostgreSQL ({@code gh_tokens.revoked_at}) is the truth; with Redis, the sorted set
 * {@code <prefix>:revoked} (member {@code jti}, or {@code jti tenant} for a tenant's revocation of
 * a foreign token; score the token's expiry in epoch seconds) caches it so that instances reload
 * from Redis instead of the database. {@link IdentitySync} decides when
 * to reload; a revocation announced on pub/sub is added before any reload.
 */
@Singleton
public class Revocations implements IdentitySync.Cache {

    /** The change topic of tokens. */
    public static final String TOPIC = "tokens";

    private final IdentityDatabase database;
    private final IdentityRedis redis;
    private volatile Map<String, Entry> revoked = new ConcurrentHashMap<>();

    /**
     * One revocation.
     *
     * @param expiresAt when it can be forgotten, epoch seconds
     * @param tenant    the tenant whose token it stops, or {@code null} for the token with that {@code jti} whatever its tenant
     */
    record Entry(long expiresAt, String tenant) {

        /** The Redis member and the announcement's tail: {@code jti} or {@code jti tenant}. */
        String member(String jti) {
            return tenant == null ? jti : jti + " " + tenant;
        }
    }

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
        return isRevoked(jti, null);
    }

    /**
     * Non-blocking.
     *
     * @param jti    a token's {@code jti} claim
     * @param tenant the token's tenant, or {@code null}
     * @return whether the token was revoked: its {@code jti} is, for every tenant or for its own
     */
    public boolean isRevoked(String jti, String tenant) {
        Entry entry = jti == null ? null : revoked.get(jti);
        return entry != null && (entry.tenant() == null || entry.tenant().equals(tenant));
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
     * @param payload {@code <jti> <expires-at epoch seconds>}, then {@code <tenant>} for a tenant's revocation of a foreign token
     */
    @Override
    public void onMessage(String payload) {
        String[] parts = payload.split(" ");
        if (parts.length == 2 || parts.length == 3) {
            try {
                add(parts[0], new Entry(Long.parseLong(parts[1]), parts.length == 3 ? parts[2] : null));
            } catch (NumberFormatException ignored) {
                // Not a revocation message of ours; the reload it causes still applies.
            }
        }
    }

    @Override
    public void reload(boolean fromRedis) throws Exception {
        long now = Instant.now().getEpochSecond();
        Map<String, Entry> fresh = new ConcurrentHashMap<>();
        if (fromRedis) {
            List<ScoredValue<String>> members = redis.await(redis.async().zrangebyscoreWithScores(
                redis.key("revoked"), Range.from(Range.Boundary.including(now), Range.Boundary.unbounded())));
            members.forEach(m -> {
                int space = m.getValue().indexOf(' ');
                fresh.put(space < 0 ? m.getValue() : m.getValue().substring(0, space),
                    new Entry((long) m.getScore(), space < 0 ? null : m.getValue().substring(space + 1)));
            });
        } else {
            database.transaction(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT jti, expires_at, kind, tenant FROM gh_tokens WHERE revoked_at IS NOT NULL AND expires_at > ?")) {
                    statement.setLong(1, now);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            fresh.put(rows.getString(1), entry(rows.getLong(2), rows.getString(3), rows.getString(4)));
                        }
                    }
                }
                return null;
            });
            if (redis.configured() && !fresh.isEmpty()) {
                // Refill the cache (first use, or Redis lost its data).
                for (Map.Entry<String, Entry> entry : fresh.entrySet()) {
                    redis.await(redis.async().zadd(redis.key("revoked"), entry.getValue().expiresAt(), entry.getValue().member(entry.getKey())));
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
    private synchronized void swap(Map<String, Entry> fresh, long now) {
        revoked.forEach((jti, entry) -> {
            if (entry.expiresAt() > now) {
                fresh.putIfAbsent(jti, entry);
            }
        });
        revoked = fresh;
    }

    /**
     * Adds a revocation to this instance's view at once (the revoking instance does so before it
     * answers).
     *
     * @param jti   the token
     * @param entry the revocation
     */
    synchronized void add(String jti, Entry entry) {
        revoked.put(jti, entry);
    }

    /**
     * The revocation a stored row stands for.
     *
     * @param expiresAt the row's {@code expires_at}
     * @param kind      the row's kind
     * @param tenant    the row's tenant
     * @return a foreign token's revocation is its tenant's; any other's applies to its {@code jti} alone
     */
    static Entry entry(long expiresAt, String kind, String tenant) {
        return new Entry(expiresAt, TokenMetadata.FOREIGN.equals(kind) ? tenant : null);
    }
}
