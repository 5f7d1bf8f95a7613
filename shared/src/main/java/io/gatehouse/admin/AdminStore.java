package io.gatehouse.admin;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.type.Argument;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The admin API's objects in the relational database, through plain JDBC on the gateway's
 * {@link DataSource}: PostgreSQL when one is configured, else H2 in memory (the embedded default).
 * Two tables, created by Flyway ({@code db/migration}), which this class runs itself the first time
 * the database answers rather than at start-up, so an unreachable database never fails a start.
 *
 * <p>Every change runs in one transaction that first locks the revision row, so changes from any
 * number of instances are validated and applied one after the other; on PostgreSQL it also sends
 * {@code NOTIFY gatehouse_admin}, delivered to listeners when the transaction commits.
 */
@Singleton
@Requires(beans = DataSource.class)
@Requires(property = AdminConfiguration.ENABLED_PROPERTY, notEquals = "false")
final class AdminStore {

    /** The PostgreSQL notification channel changes are announced on. */
    static final String CHANNEL = "gatehouse_admin";

    private static final Logger LOG = LoggerFactory.getLogger(AdminStore.class);

    /** What an object is. */
    enum Kind {
        /** One element of {@code routes}. */
        ROUTE,
        /** One entry of {@code upstreams}. */
        UPSTREAM,
        /** One entry of {@code plans}. */
        PLAN;

        String column() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One stored object.
     *
     * @param kind route or upstream
     * @param id   the route id or upstream name
     * @param tree   the object as parsed JSON (maps, lists, scalars)
     * @param seq    creation order
     * @param tenant the tenant owning it, or {@code null} for a global object
     */
    record Entry(Kind kind, String id, Object tree, long seq, String tenant) {
    }

    /**
     * Everything stored, at one revision.
     *
     * @param revision the revision; {@code -1} when nothing was read yet
     * @param entries  every object, in creation order
     */
    record Contents(long revision, List<Entry> entries) {

        static final Contents NONE = new Contents(-1, List.of());

        List<Entry> of(Kind kind) {
            return entries.stream().filter(e -> e.kind() == kind).toList();
        }

        Entry find(Kind kind, String id) {
            return entries.stream().filter(e -> e.kind() == kind && e.id().equals(id)).findFirst().orElse(null);
        }
    }

    /** A change to one object. */
    sealed interface Change {
        /** @return the kind of the object changed */
        Kind kind();

        /** @return its id */
        String id();
    }

    /**
     * Create or replace.
     *
     * @param kind   the kind
     * @param id     the id
     * @param tree   the object
     * @param tenant the tenant owning it, or {@code null}
     */
    record Put(Kind kind, String id, Object tree, String tenant) implements Change {
    }

    /**
     * Remove.
     *
     * @param kind the kind
     * @param id   the id
     */
    record Delete(Kind kind, String id) implements Change {
    }

    /** Checks the store as it would be after a change; throwing refuses the change. */
    @FunctionalInterface
    interface Validator {
        /**
         * @param before what is stored now
         * @param after  what would be stored after the change
         */
        void validate(Contents before, List<Entry> after);
    }

    /**
     * A change that was written.
     *
     * @param contents everything stored after it
     * @param existed  whether the object existed before
     */
    record Applied(Contents contents, boolean existed) {
    }

    private final DataSource dataSource;
    private final JsonMapper jsonMapper;
    private volatile boolean migrated;

    AdminStore(DataSource dataSource, DataSourceResolver resolver, JsonMapper jsonMapper) {
        // The pool itself, not Micronaut Data's contextual proxy: this class owns its transactions.
        this.dataSource = resolver.resolve(dataSource);
        this.jsonMapper = jsonMapper;
    }

    /**
     * Applies the migrations once; later calls return at once.
     *
     * @throws SQLException when the database cannot be reached or a migration fails
     */
    void migrate() throws SQLException {
        if (migrated) {
            return;
        }
        synchronized (this) {
            if (!migrated) {
                try {
                    var result = Flyway.configure()
                        .dataSource(dataSource)
                        .locations("classpath:db/migration")
                        .load()
                        .migrate();
                    LOG.info("Database schema at version {} ({} migration(s) applied)", result.targetSchemaVersion,
                        result.migrationsExecuted);
                } catch (FlywayException e) {
                    // Flyway's message repeats the driver's in a framed block; the first line says it all.
                    String message = AdminDefinitions.describe(e);
                    int newline = message.indexOf('\n');
                    throw new SQLException("migrations failed: " + (newline > 0 ? message.substring(0, newline) : message), e);
                }
                migrated = true;
            }
        }
    }

    /**
     * @return whether the migrations ran
     */
    boolean migrated() {
        return migrated;
    }

    /**
     * @return the revision stored now
     * @throws SQLException when the database cannot be read
     */
    long revision() throws SQLException {
        migrate();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT revision FROM gatehouse_admin_revision WHERE id = 1")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * @return everything stored, read in one transaction
     * @throws SQLException when the database cannot be read
     */
    Contents read() throws SQLException {
        migrate();
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            int isolation = connection.getTransactionIsolation();
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                Contents contents = read(connection, false);
                connection.commit();
                return contents;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setTransactionIsolation(isolation);
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * Validates and writes one change in one transaction.
     *
     * @param change    the change
     * @param validator refuses the change by throwing; nothing is written then
     * @return what was written
     * @throws SQLException when the database cannot be written
     */
    Applied apply(Change change, Validator validator) throws SQLException {
        migrate();
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                Contents before = read(connection, true);
                long revision = before.revision() + 1;
                Entry existing = before.find(change.kind(), change.id());
                List<Entry> after = new ArrayList<>(before.entries());
                switch (change) {
                    case Put put -> {
                        long seq = existing != null ? existing.seq()
                            : before.entries().stream().mapToLong(Entry::seq).max().orElse(0) + 1;
                        Entry entry = new Entry(put.kind(), put.id(), put.tree(), seq, put.tenant());
                        if (existing != null) {
                            after.set(after.indexOf(existing), entry);
                        } else {
                            after.add(entry);
                        }
                    }
                    case Delete ignored -> after.remove(existing);
                }
                validator.validate(before, List.copyOf(after));
                try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE gatehouse_admin_revision SET revision = ? WHERE id = 1")) {
                    update.setLong(1, revision);
                    update.executeUpdate();
                }
                write(connection, change, existing, after, revision);
                if (isPostgres(connection)) {
                    try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                        notify.setString(1, CHANNEL);
                        notify.setString(2, Long.toString(revision));
                        notify.executeQuery().close();
                    }
                }
                connection.commit();
                return new Applied(new Contents(revision, List.copyOf(after)), existing != null);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private void write(Connection connection, Change change, Entry existing, List<Entry> after, long revision)
        throws SQLException {
        switch (change) {
            case Put put -> {
                Entry entry = after.stream().filter(e -> e.kind() == put.kind() && e.id().equals(put.id())).findFirst()
                    .orElseThrow();
                String sql = existing != null
                    ? "UPDATE gatehouse_admin_object SET body = ?, seq = ?, revision = ?, updated_at = ?, tenant = ? WHERE kind = ? AND id = ?"
                    : "INSERT INTO gatehouse_admin_object (body, seq, revision, updated_at, tenant, kind, id) VALUES (?, ?, ?, ?, ?, ?, ?)";
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setString(1, json(put.tree()));
                    statement.setLong(2, entry.seq());
                    statement.setLong(3, revision);
                    statement.setTimestamp(4, Timestamp.from(Instant.now()));
                    statement.setString(5, put.tenant());
                    statement.setString(6, put.kind().column());
                    statement.setString(7, put.id());
                    statement.executeUpdate();
                }
            }
            case Delete delete -> {
                try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM gatehouse_admin_object WHERE kind = ? AND id = ?")) {
                    statement.setString(1, delete.kind().column());
                    statement.setString(2, delete.id());
                    statement.executeUpdate();
                }
            }
        }
    }

    private Contents read(Connection connection, boolean lock) throws SQLException {
        long revision;
        // FOR UPDATE serialises changes across instances; both PostgreSQL and H2 lock the row.
        String revisionSql = "SELECT revision FROM gatehouse_admin_revision WHERE id = 1" + (lock ? " FOR UPDATE" : "");
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(revisionSql)) {
            revision = rs.next() ? rs.getLong(1) : 0;
        }
        List<Entry> entries = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT kind, id, body, seq, tenant FROM gatehouse_admin_object ORDER BY seq, kind, id")) {
            while (rs.next()) {
                Kind kind = Kind.valueOf(rs.getString(1).toUpperCase(Locale.ROOT));
                entries.add(new Entry(kind, rs.getString(2), parse(rs.getString(3)), rs.getLong(4), rs.getString(5)));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::seq));
        return new Contents(revision, List.copyOf(entries));
    }

    private static boolean isPostgres(Connection connection) throws SQLException {
        return Objects.equals(connection.getMetaData().getDatabaseProductName(), "PostgreSQL");
    }

    private String json(Object tree) {
        try {
            return jsonMapper.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object parse(String json) {
        try {
            return jsonMapper.readValue(json, Argument.OBJECT_ARGUMENT);
        } catch (IOException e) {
            throw new UncheckedIOException("stored admin object is not valid JSON", e);
        }
    }
}
