package io.gatehouse.identity;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.micronaut.core.annotation.Internal;
import io.micronaut.data.connection.exceptions.ConnectionException;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.exceptions.TransactionException;
import jakarta.inject.Singleton;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The identity store's database: PostgreSQL, or H2 in memory in the embedded default. The schema
 * ({@code classpath:db/migration}, {@code V10__tokens.sql} and later) is migrated by Flyway on
 * first use, not at start-up, so that an unreachable database never fails a start (a Lambda cold
 * start included); a failed migration is tried again on the next use.
 *
 * <p>Two ways in, on one pool. {@link #transaction(Work)} hands plain JDBC a connection of the pool
 * itself, whose transaction the work's caller owns (auto-commit off, committed or rolled back here).
 * {@link #repositories} and {@link #repositoryTransaction} run Micronaut Data repositories, whose
 * connections and transactions Micronaut Data's own transaction manager holds. The
 * {@link DataSource} bean is Micronaut Data's contextual proxy, which hands out the connection of
 * the current Micronaut Data transaction and fails outside one, so the plain JDBC side unwraps it
 * ({@link DataSourceResolver}, as micronaut-flyway does) rather than share a connection whose commit
 * belongs to someone else.
 */
@Internal
@Singleton
public class IdentityDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityDatabase.class);

    private final DataSource dataSource;
    private final TransactionOperations<Connection> transactions;
    private volatile boolean migrated;

    IdentityDatabase(DataSource dataSource, DataSourceResolver resolver, TransactionOperations<Connection> transactions) {
        this.dataSource = resolver.resolve(dataSource);
        this.transactions = transactions;
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
     * Runs Micronaut Data repository calls on a migrated database, each in a connection (and, for a
     * write, a transaction) of its own. Blocking: call it off the event loop.
     *
     * @param work      the repository calls
     * @param onFailure what a database failure becomes (unreachable, or a statement refused)
     * @param <T>       the result type
     * @return the work's result
     * @throws GatewayException 503 when the schema cannot be migrated
     */
    public <T> T repositories(Supplier<T> work, Function<RuntimeException, RuntimeException> onFailure) {
        migrate();
        try {
            return work.get();
        } catch (DataAccessException | ConnectionException | CannotGetJdbcConnectionException | TransactionException e) {
            throw onFailure.apply(e);
        }
    }

    /**
     * Runs Micronaut Data repository calls on a migrated database in one read-write transaction of
     * Micronaut Data's transaction manager: committed when the work returns, rolled back when it
     * throws. Blocking: call it off the event loop.
     *
     * @param work      the repository calls
     * @param onFailure what a database failure becomes; the transaction has rolled back
     * @param <T>       the result type
     * @return the work's result
     * @throws GatewayException 503 when the schema cannot be migrated
     */
    public <T> T repositoryTransaction(Supplier<T> work, Function<RuntimeException, RuntimeException> onFailure) {
        return repositories(() -> transactions.executeWrite(status -> work.get()), onFailure);
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
