package io.gatehouse.identity.apikey;

import io.gatehouse.definition.GatewayState;
import io.gatehouse.identity.IdentityDatabase;
import io.gatehouse.identity.IdentitySync;
import io.gatehouse.identity.Secrets;
import io.micronaut.context.annotation.Context;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every instance's in-memory map of API key hashes to consumers: {@link #lookup(String)} hashes
 * the presented key (SHA-256) and finds it in O(1), without blocking, so it is safe on an event
 * loop. The {@code api-key} auth mode of {@code io.gatehouse.security} calls it with the value of
 * the {@link #header()} header.
 *
 * <p>Keys of consumers created through {@code /admin/consumers} come from the database and are
 * reloaded when {@link IdentitySync} sees the {@code consumers} topic move; keys of consumers
 * declared in the definition file are part of the {@link GatewayState} snapshot
 * ({@link DeclaredConsumerParticipant}), so they change together with the route table.
 */
@Context
public class ApiKeys implements IdentitySync.Cache {

    /** The change topic of consumers and keys. */
    public static final String TOPIC = "consumers";

    /** Longer header values are not keys of ours and are not hashed. */
    private static final int MAX_KEY_LENGTH = 256;

    /**
     * A key as the request path sees it.
     *
     * @param principal who it belongs to
     * @param expiresAt when it stops working (epoch seconds), or 0 for never
     */
    record Entry(ApiKeyPrincipal principal, long expiresAt) {
    }

    private final IdentityDatabase database;
    private final ApiKeyConfiguration configuration;
    private final Clock clock = Clock.systemUTC();
    private volatile Map<String, Entry> stored = Map.of();
    private final GatewayState state;

    ApiKeys(IdentityDatabase database, ApiKeyConfiguration configuration, GatewayState state) {
        this.database = database;
        this.configuration = configuration;
        this.state = state;
    }

    /**
     * Non-blocking.
     *
     * @param presentedKey the header's value
     * @return the consumer and groups of a known, unrevoked, unexpired key
     */
    public Optional<ApiKeyPrincipal> lookup(String presentedKey) {
        if (presentedKey == null || presentedKey.isBlank() || presentedKey.length() > MAX_KEY_LENGTH) {
            return Optional.empty();
        }
        String hash = Secrets.sha256(presentedKey.trim());
        Entry entry = declaredKeys().keys().get(hash);
        if (entry == null) {
            entry = stored.get(hash);
        }
        if (entry == null || entry.expiresAt() != 0 && entry.expiresAt() <= clock.instant().getEpochSecond()) {
            return Optional.empty();
        }
        return Optional.of(entry.principal());
    }

    /**
     * @return the request header that carries API keys ({@code gateway.api-keys.header})
     */
    public String header() {
        return configuration.getHeader();
    }

    /**
     * @return the consumers declared in the definition file, by name
     */
    Map<String, DeclaredConsumers.Declared> declared() {
        return declaredKeys().consumers();
    }

    /** The declared consumers of the snapshot in force: they change with the route table, in one swap. */
    private DeclaredConsumerParticipant.Keys declaredKeys() {
        DeclaredConsumerParticipant.Keys keys = state.current().part(DeclaredConsumerParticipant.class);
        return keys == null ? DeclaredConsumerParticipant.Keys.NONE : keys;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    /**
     * Reloads are serialised: the reload a change triggers after its commit must not be
     * overwritten by a background reload that read the store before that commit.
     */
    @Override
    public synchronized void reload(boolean fromRedis) {
        long now = clock.instant().getEpochSecond();
        Map<String, Entry> fresh = database.transaction(connection -> {
            Map<String, Entry> out = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(
                "SELECT c.name, c.group_list, k.key_id, k.key_hash, k.expires_at, c.tenant, c.plan FROM gh_api_keys k "
                    + "JOIN gh_consumers c ON c.name = k.consumer "
                    + "WHERE k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)")) {
                statement.setLong(1, now);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        long expiresAt = rows.getLong(5);
                        boolean never = rows.wasNull();
                        out.put(rows.getString(4), new Entry(new ApiKeyPrincipal(rows.getString(1), rows.getString(3),
                            ConsumerService.groups(rows.getString(2)), "api", rows.getString(6), rows.getString(7)), never ? 0 : expiresAt));
                    }
                }
            }
            return out;
        });
        stored = Map.copyOf(fresh);
    }
}
