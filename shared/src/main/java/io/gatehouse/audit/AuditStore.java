package io.gatehouse.audit;

import io.gatehouse.identity.IdentityDatabase;
import io.micronaut.core.type.Argument;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code audit_events} table ({@code V14__audit.sql}) through plain JDBC on the gateway's
 * {@link DataSource}: PostgreSQL when configured, H2 in memory in the embedded default. The schema
 * is migrated on first use, as the admin and identity stores do, so an unreachable database never
 * fails a start. Blocking: only the writer (or a per-request flush) and the read API call it.
 */
@Singleton
final class AuditStore {

    private static final String COLUMNS = "id, occurred_at, category, action, decision, reason, request_id, principal, "
        + "auth_method, tenant, route_id, http_method, path, target, details";

    /** Longest stored text of each bounded column; longer values are cut, never refused. */
    private static final int SHORT = 128;
    private static final int MEDIUM = 512;

    /** Rows one pruning statement deletes at most. */
    private static final int PRUNE_BATCH = 5000;

    private final DataSource dataSource;
    private final IdentityDatabase schema;
    private final JsonMapper json;

    AuditStore(DataSource dataSource, DataSourceResolver resolver, IdentityDatabase schema, JsonMapper json) {
        // The pool itself, not Micronaut Data's contextual proxy: this class owns its transactions.
        this.dataSource = resolver.resolve(dataSource);
        this.schema = schema;
        this.json = json;
    }

    /**
     * Applies the migrations once (through the identity store's runner, so the two never race);
     * later calls return at once.
     *
     * @throws SQLException when the database cannot be reached or a migration fails
     */
    void migrate() throws SQLException {
        try {
            schema.migrate();
        } catch (RuntimeException e) {
            throw new SQLException("migrations failed: " + e.getMessage(), e);
        }
    }

    /**
     * Inserts events in one transaction: all or none.
     *
     * @param events the events
     * @throws SQLException when the database refuses them
     */
    void insert(List<AuditEvent> events) throws SQLException {
        migrate();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO audit_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (AuditEvent event : events) {
                    statement.setString(1, event.id());
                    statement.setLong(2, event.timestamp().toEpochMilli());
                    statement.setString(3, event.category().json());
                    statement.setString(4, cut(event.action(), SHORT));
                    statement.setString(5, event.decision().json());
                    statement.setString(6, cut(event.reason(), SHORT));
                    statement.setString(7, cut(event.requestId(), SHORT));
                    statement.setString(8, event.principal() == null ? null : cut(event.principal().subject(), MEDIUM));
                    statement.setString(9, event.principal() == null ? null : cut(event.principal().method(), SHORT));
                    statement.setString(10, cut(event.tenant(), SHORT));
                    statement.setString(11, cut(event.route(), SHORT));
                    statement.setString(12, cut(event.method(), SHORT));
                    statement.setString(13, event.path());
                    statement.setString(14, cut(event.target(), MEDIUM));
                    statement.setString(15, event.details().isEmpty() ? null : json.writeValueAsString(event.details()));
                    statement.addBatch();
                }
                statement.executeBatch();
                connection.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                connection.rollback();
                throw e instanceof SQLException sql ? sql : new SQLException("cannot write audit events: " + e.getMessage(), e);
            }
        }
    }

    /**
     * @param query the filters
     * @return the matching events, newest first, at most {@link AuditQuery#limit()}
     * @throws SQLException when the database cannot be read
     */
    List<AuditEvent> find(AuditQuery query) throws SQLException {
        migrate();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_events WHERE 1 = 1");
        List<Object> values = new ArrayList<>();
        condition(sql, values, "category", query.category() == null ? null : query.category().json());
        condition(sql, values, "decision", query.decision() == null ? null : query.decision().json());
        condition(sql, values, "action", query.action());
        condition(sql, values, "route_id", query.route());
        condition(sql, values, "principal", query.principal());
        condition(sql, values, "tenant", query.tenant());
        condition(sql, values, "request_id", query.requestId());
        if (query.since() != null) {
            sql.append(" AND occurred_at >= ?");
            values.add(query.since().toEpochMilli());
        }
        if (query.until() != null) {
            sql.append(" AND occurred_at < ?");
            values.add(query.until().toEpochMilli());
        }
        sql.append(" ORDER BY occurred_at DESC, seq DESC");
        List<AuditEvent> out = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            statement.setMaxRows(query.limit());
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next() && out.size() < query.limit()) {
                    out.add(read(rows));
                }
            }
        }
        return out;
    }

    /**
     * Deletes the events that occurred before an instant, in batches of {@value #PRUNE_BATCH}
     * rows, each its own transaction, so that a large backlog never holds one long lock.
     *
     * @param before the first instant kept
     * @return how many events were deleted
     * @throws SQLException when the database refuses
     */
    long prune(Instant before) throws SQLException {
        migrate();
        long deleted = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("DELETE FROM audit_events WHERE id IN "
                 + "(SELECT id FROM audit_events WHERE occurred_at < ? ORDER BY occurred_at LIMIT " + PRUNE_BATCH + ")")) {
            connection.setAutoCommit(true);
            statement.setLong(1, before.toEpochMilli());
            int batch;
            do {
                batch = statement.executeUpdate();
                deleted += batch;
            } while (batch == PRUNE_BATCH);
        }
        return deleted;
    }

    private static void condition(StringBuilder sql, List<Object> values, String column, Object value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            values.add(value);
        }
    }

    private AuditEvent read(ResultSet rows) throws SQLException {
        String subject = rows.getString(8);
        String method = rows.getString(9);
        String details = rows.getString(15);
        return new AuditEvent(rows.getString(1), Instant.ofEpochMilli(rows.getLong(2)),
            AuditEvent.Category.parse(rows.getString(3)), rows.getString(4), AuditEvent.Decision.parse(rows.getString(5)),
            rows.getString(6), rows.getString(7), subject == null && method == null ? null : new AuditEvent.Principal(subject, method),
            rows.getString(10), rows.getString(11), rows.getString(12), rows.getString(13), rows.getString(14),
            details == null ? Map.of() : parse(details));
    }

    private Map<String, Object> parse(String details) {
        try {
            return json.readValue(details, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            return Map.of("unreadable", details);
        }
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
