package io.gatehouse.identity;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.micronaut.core.annotation.Internal;
import jakarta.inject.Singleton;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The identity store's database: PostgreSQL, or H2 in memory in the embedded default. The schema
 * ({@code classpath:db/migration}, {@code V10__tokens.sql} and later) is migrated by Flyway on
 * first use, not at start-up, so that an unreachable database never fails a start (a Lambda cold
 * start included); a failed migration is tried again on the next use.
 */
@Internal
@Singleton
public class IdentityDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityDatabase.class);

    private final DataSource dataSource;
    private volatile boolean migrated;

    IdentityDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Work inside one transaction.
     *
     * @param <T> the result type
     */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * @param connection a connection with auto-commit off
         * @return the result
         * @throws SQLException on a database error; the transaction rolls back
         */
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs work in a transaction on a migrated database. Blocking: call it off the event loop.
     *
     * @param work the work
     * @param <T>  its result type
     * @return its result
     * @throws GatewayException 503 when the database cannot be reached
     */
    public <T> T transaction(Work<T> work) {
        return transaction(work, e -> {
            LOG.warn("Identity store failed: {}", e.getMessage());
            return unavailable(e);
        });
    }

    /**
     * Runs work in a transaction on a migrated database, as {@link #transaction(Work)} does, with the
     * caller's own answer to a database error (another store's 503, a unique violation told apart).
     * Blocking: call it off the event loop.
     *
     * @param work      the work
     * @param onFailure what a database error becomes; the transaction has rolled back
     * @param <T>       its result type
     * @return its result
     * @throws GatewayException 503 when the schema cannot be migrated
     */
    public <T> T transaction(Work<T> work, java.util.function.Function<SQLException, RuntimeException> onFailure) {
        migrate();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw onFailure.apply(e);
        }
    }

    /**
     * Migrates the schema once per instance; later calls return at once.
     *
     * @throws GatewayException 503 when the database cannot be reached
     */
    public void migrate() {
        if (migrated) {
            return;
        }
        // This instance's lock, not the class's: two gateways in one JVM (tests) must not wait on each
        // other, and one stuck on an unreachable database would hold every other one. Instances on one
        // database, in this process or another, are kept apart by Flyway's own lock.
        synchronized (this) {
            if (migrated) {
                return;
            }
            try {
                Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
                migrated = true;
            } catch (RuntimeException e) {
                LOG.warn("Identity store migration failed, will retry on next use: {}", e.getMessage());
                throw unavailable(e);
            }
        }
    }

    private static GatewayException unavailable(Exception cause) {
        return new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "The identity store is not available; try again shortly.",
            Map.of("store", "database"), Map.of("Retry-After", "1"));
    }
}
