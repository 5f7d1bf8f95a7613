package io.gatehouse.identity.apikey;

import io.gatehouse.definition.GatewayState;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.AdminPrincipal;
import io.gatehouse.identity.IdentityDatabase;
import io.gatehouse.identity.IdentitySync;
import io.gatehouse.identity.Secrets;
import io.gatehouse.identity.Validation;
import io.gatehouse.identity.apikey.ConsumerModels.ConsumerRequest;
import io.gatehouse.identity.apikey.ConsumerModels.ConsumerView;
import io.gatehouse.identity.apikey.ConsumerModels.CreatedKey;
import io.gatehouse.identity.apikey.ConsumerModels.KeyRequest;
import io.gatehouse.identity.apikey.ConsumerModels.KeyView;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Consumers, their groups and API keys in the database: what {@code /admin/consumers} does.
 * Declared consumers are listed but read-only (409). Every operation is scoped by the
 * {@link AdminPrincipal}: a tenant administrator sees and changes its tenant's consumers only
 * (403 {@code cross_tenant} otherwise), and the consumers it creates belong to its tenant. Every change is announced through
 * {@link IdentitySync}, so every instance's {@link ApiKeys} sees it within a second. Blocking.
 */
@Singleton
final class ConsumerService implements ConsumerPlans {

    private final IdentityDatabase database;
    private final IdentitySync sync;
    private final ApiKeys apiKeys;
    private final ApiKeyConfiguration configuration;
    private final GatewayState state;
    private final Clock clock = Clock.systemUTC();

    ConsumerService(IdentityDatabase database, IdentitySync sync, ApiKeys apiKeys, ApiKeyConfiguration configuration,
                    GatewayState state) {
        this.database = database;
        this.sync = sync;
        this.apiKeys = apiKeys;
        this.configuration = configuration;
        this.state = state;
    }

    static List<String> groups(String stored) {
        return stored == null || stored.isEmpty() ? List.of() : List.of(stored.split(","));
    }

    List<ConsumerView> list(AdminPrincipal admin) {
        return list().stream().filter(c -> admin.reaches(c.tenant())).toList();
    }

    private List<ConsumerView> list() {
        List<ConsumerView> out = new ArrayList<>();
        apiKeys.declared().values().forEach(d -> out.add(declaredView(d)));
        database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT name FROM gh_consumers");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    out.add(find(connection, rows.getString(1)));
                }
            }
            return null;
        });
        out.sort(Comparator.comparing(ConsumerView::name));
        return out;
    }

    ConsumerView get(AdminPrincipal admin, String name) {
        ConsumerView found = get(name);
        admin.check(found.tenant(), "consumer", name);
        return found;
    }

    private ConsumerView get(String name) {
        DeclaredConsumers.Declared declared = apiKeys.declared().get(name);
        if (declared != null) {
            return declaredView(declared);
        }
        ConsumerView found = database.transaction(connection -> find(connection, name));
        if (found == null) {
            throw notFound(name);
        }
        return found;
    }

    ConsumerView create(AdminPrincipal admin, ConsumerRequest request) {
        Validation validation = new Validation();
        String name = validation.name("name", request == null ? null : request.name(), true);
        List<String> groups = validation.names("groups", request == null ? null : request.groups());
        String requested = validation.name("tenant", request == null ? null : request.tenant(), false);
        String plan = plan(validation, request == null ? null : request.plan());
        validation.check();
        String tenant = admin.stamp(requested, "consumer", name);
        requireWritable(name);
        long now = clock.instant().getEpochSecond();
        ConsumerView created = database.transaction(connection -> {
            if (find(connection, name) != null) {
                return null;
            }
            try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO gh_consumers (name, group_list, created_at, updated_at, tenant, plan) VALUES (?, ?, ?, ?, ?, ?)")) {
                statement.setString(1, name);
                statement.setString(2, String.join(",", groups));
                statement.setLong(3, now);
                statement.setLong(4, now);
                statement.setString(5, tenant);
                statement.setString(6, plan);
                statement.executeUpdate();
            }
            IdentitySync.bump(connection, ApiKeys.TOPIC);
            return find(connection, name);
        });
        if (created == null) {
            throw new GatewayException(ErrorCode.CONFLICT, "Consumer '" + name + "' already exists.", Map.of("consumer", name), Map.of());
        }
        sync.announce(ApiKeys.TOPIC, null);
        return created;
    }

    /**
     * Replaces a consumer's groups, its plan, or both; what the request leaves out stays.
     */
    ConsumerView update(AdminPrincipal admin, String name, ConsumerRequest request) {
        ConsumerView existing = get(admin, name);
        Validation validation = new Validation();
        if (request == null || request.groups() == null && request.plan() == null) {
            validation.problem("groups", "is required (or plan)");
        }
        List<String> groups = request == null || request.groups() == null ? existing.groups()
            : validation.names("groups", request.groups());
        String plan = request == null || request.plan() == null ? existing.plan() : plan(validation, request.plan());
        validation.check();
        requireWritable(name);
        long now = clock.instant().getEpochSecond();
        ConsumerView updated = database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE gh_consumers SET group_list = ?, plan = ?, updated_at = ? WHERE name = ?")) {
                statement.setString(1, String.join(",", groups));
                statement.setString(2, plan);
                statement.setLong(3, now);
                statement.setString(4, name);
                if (statement.executeUpdate() == 0) {
                    return null;
                }
            }
            IdentitySync.bump(connection, ApiKeys.TOPIC);
            return find(connection, name);
        });
        if (updated == null) {
            throw notFound(name);
        }
        sync.announce(ApiKeys.TOPIC, null);
        return updated;
    }

    @Override
    public List<String> onPlan(String plan) {
        return database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                "SELECT name FROM gh_consumers WHERE plan = ? ORDER BY name")) {
                statement.setString(1, plan);
                List<String> names = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        names.add(rows.getString(1));
                    }
                }
                return names;
            }
        });
    }

    /** A requested plan: one of the plans in force, or {@code ""} for none. */
    private String plan(Validation validation, String requested) {
        if (requested == null || requested.isBlank()) {
            return null;
        }
        String plan = requested.trim();
        java.util.Set<String> plans = state.current().definition().plans().keySet();
        if (!plans.contains(plan)) {
            validation.problem("plan", "unknown plan '" + plan + "' (defined: " + (plans.isEmpty() ? "none"
                : String.join(", ", new java.util.TreeSet<>(plans))) + ")");
            return null;
        }
        return plan;
    }

    void delete(AdminPrincipal admin, String name) {
        get(admin, name);
        requireWritable(name);
        boolean deleted = database.transaction(connection -> {
            try (PreparedStatement keys = connection.prepareStatement("DELETE FROM gh_api_keys WHERE consumer = ?");
                 PreparedStatement consumer = connection.prepareStatement("DELETE FROM gh_consumers WHERE name = ?")) {
                keys.setString(1, name);
                keys.executeUpdate();
                consumer.setString(1, name);
                if (consumer.executeUpdate() == 0) {
                    return false;
                }
            }
            IdentitySync.bump(connection, ApiKeys.TOPIC);
            return true;
        });
        if (!deleted) {
            throw notFound(name);
        }
        sync.announce(ApiKeys.TOPIC, null);
    }

    CreatedKey createKey(AdminPrincipal admin, String name, KeyRequest request) {
        get(admin, name);
        Validation validation = new Validation();
        Duration ttl = validation.duration("ttl", request == null ? null : request.ttl());
        String rotate = request == null || request.rotate() == null || request.rotate().isBlank() ? null : request.rotate().trim();
        Duration overlap = Duration.ZERO;
        if (request != null && request.overlap() != null && !request.overlap().isBlank()) {
            if (rotate == null) {
                validation.problem("overlap", "only applies when rotating a key (rotate)");
            } else if (!request.overlap().trim().matches("0+\\s*[smhd]?")) {
                Duration asked = validation.duration("overlap", request.overlap());
                overlap = asked == null ? Duration.ZERO : asked;
            }
        }
        validation.check();
        requireWritable(name);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String id = Secrets.randomHex(6);
        String key = configuration.getKeyPrefix() + id + "_" + Secrets.randomToken(32);
        Instant expiresAt = ttl == null ? null : now.plus(ttl);
        Duration retireAfter = overlap;
        KeyView rotated = database.transaction(connection -> {
            if (find(connection, name) == null) {
                throw notFound(name);
            }
            KeyView retired = null;
            if (rotate != null) {
                KeyView old = keys(connection, name).stream().filter(k -> k.id().equals(rotate)).findFirst()
                    .orElseThrow(() -> new GatewayException(ErrorCode.NOT_FOUND,
                        "Consumer '" + name + "' has no key '" + rotate + "'.", Map.of("consumer", name, "key", rotate), Map.of()));
                if (!old.active()) {
                    throw new GatewayException(ErrorCode.CONFLICT, "Key '" + rotate + "' is no longer active.",
                        Map.of("consumer", name, "key", rotate), Map.of());
                }
                retire(connection, rotate, now, retireAfter);
                retired = keys(connection, name).stream().filter(k -> k.id().equals(rotate)).findFirst().orElseThrow();
            }
            try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO gh_api_keys (key_id, consumer, key_hash, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)")) {
                statement.setString(1, id);
                statement.setString(2, name);
                statement.setString(3, Secrets.sha256(key));
                statement.setLong(4, now.getEpochSecond());
                if (expiresAt == null) {
                    statement.setNull(5, Types.BIGINT);
                } else {
                    statement.setLong(5, expiresAt.getEpochSecond());
                }
                statement.executeUpdate();
            }
            IdentitySync.bump(connection, ApiKeys.TOPIC);
            return retired;
        });
        sync.announce(ApiKeys.TOPIC, null);
        return new CreatedKey(id, key, name, configuration.getHeader(), now, expiresAt, rotated);
    }

    void revokeKey(AdminPrincipal admin, String name, String keyId) {
        get(admin, name);
        requireWritable(name);
        Instant now = clock.instant();
        boolean revoked = database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE gh_api_keys SET revoked_at = ? WHERE consumer = ? AND key_id = ? AND revoked_at IS NULL")) {
                statement.setLong(1, now.getEpochSecond());
                statement.setString(2, name);
                statement.setString(3, keyId);
                if (statement.executeUpdate() == 0) {
                    return keys(connection, name).stream().anyMatch(k -> k.id().equals(keyId));
                }
            }
            IdentitySync.bump(connection, ApiKeys.TOPIC);
            return true;
        });
        if (!revoked) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "Consumer '" + name + "' has no key '" + keyId + "'.",
                Map.of("consumer", name, "key", keyId), Map.of());
        }
        sync.announce(ApiKeys.TOPIC, null);
    }

    private void retire(Connection connection, String keyId, Instant now, Duration overlap) throws SQLException {
        String sql = overlap.isZero()
            ? "UPDATE gh_api_keys SET revoked_at = ? WHERE key_id = ?"
            : "UPDATE gh_api_keys SET expires_at = CASE WHEN expires_at IS NULL OR expires_at > ? THEN ? ELSE expires_at END WHERE key_id = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (overlap.isZero()) {
                statement.setLong(1, now.getEpochSecond());
                statement.setString(2, keyId);
            } else {
                long until = now.plus(overlap).getEpochSecond();
                statement.setLong(1, until);
                statement.setLong(2, until);
                statement.setString(3, keyId);
            }
            statement.executeUpdate();
        }
    }

    private void requireWritable(String name) {
        if (name != null && apiKeys.declared().containsKey(name)) {
            throw new GatewayException(ErrorCode.CONFLICT,
                "Consumer '" + name + "' is declared in the definition file and cannot be changed through the API.",
                Map.of("consumer", name, "source", "file"), Map.of());
        }
    }

    private ConsumerView find(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
            "SELECT name, group_list, created_at, updated_at, tenant, plan FROM gh_consumers WHERE name = ?")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                return new ConsumerView(rows.getString(1), groups(rows.getString(2)), "api", keys(connection, name),
                    Instant.ofEpochSecond(rows.getLong(3)), Instant.ofEpochSecond(rows.getLong(4)), rows.getString(5), rows.getString(6));
            }
        }
    }

    private List<KeyView> keys(Connection connection, String name) throws SQLException {
        long now = clock.instant().getEpochSecond();
        List<KeyView> out = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
            "SELECT key_id, created_at, expires_at, revoked_at FROM gh_api_keys WHERE consumer = ? ORDER BY created_at, key_id")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long expires = rows.getLong(3);
                    Instant expiresAt = rows.wasNull() ? null : Instant.ofEpochSecond(expires);
                    long revoked = rows.getLong(4);
                    Instant revokedAt = rows.wasNull() ? null : Instant.ofEpochSecond(revoked);
                    boolean active = revokedAt == null && (expiresAt == null || expiresAt.getEpochSecond() > now);
                    String id = rows.getString(1);
                    out.add(new KeyView(id, configuration.getKeyPrefix() + id + "_…", Instant.ofEpochSecond(rows.getLong(2)),
                        expiresAt, revokedAt, active));
                }
            }
        }
        return out;
    }

    private static ConsumerView declaredView(DeclaredConsumers.Declared declared) {
        List<KeyView> keys = declared.keys().values().stream().sorted()
            .map(id -> new KeyView(id, null, null, null, null, true)).toList();
        return new ConsumerView(declared.name(), declared.groups(), "file", keys, null, null, declared.tenant(), declared.plan());
    }

    private static GatewayException notFound(String name) {
        return new GatewayException(ErrorCode.NOT_FOUND, "No consumer named '" + name + "'.", Map.of("consumer", name), Map.of());
    }
}
