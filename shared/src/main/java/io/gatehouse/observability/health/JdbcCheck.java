package io.gatehouse.observability.health;

import io.micronaut.context.annotation.Requires;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.time.Duration;
import java.util.Map;

/**
 * The relational database (PostgreSQL, or H2 in memory in the embedded default): borrows a
 * connection and asks the driver whether it is valid.
 */
@Singleton
@Requires(beans = DataSource.class)
final class JdbcCheck implements DependencyCheck {

    private final DataSource dataSource;

    JdbcCheck(DataSource dataSource, DataSourceResolver resolver) {
        // The pool itself: Micronaut Data's contextual proxy has no connection outside a transaction.
        this.dataSource = resolver.resolve(dataSource);
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public CheckResult check(Duration timeout) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            String product = meta.getDatabaseProductName();
            boolean embedded = meta.getURL() != null && meta.getURL().startsWith("jdbc:h2:mem:");
            Map<String, Object> details = Map.of("product", product, "embedded", embedded);
            int seconds = (int) Math.max(1, timeout.toSeconds());
            return connection.isValid(seconds) ? CheckResult.ok(details) : CheckResult.down("connection is not valid", details);
        }
    }
}
