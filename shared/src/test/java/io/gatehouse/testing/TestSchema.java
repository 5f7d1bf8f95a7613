package io.gatehouse.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * A PostgreSQL schema of its own in the test database, so that a suite's tables (and its Flyway
 * history) never meet another suite's or another engineer's; dropped on {@link #close()}. Also a
 * Redis key prefix of the same name, for the same reason.
 */
public final class TestSchema implements AutoCloseable {

    private final String name;

    private TestSchema(String name) {
        this.name = name;
    }

    /**
     * @param purpose a short word for the schema's name
     * @return a new, empty schema
     */
    public static TestSchema create(String purpose) {
        String name = ("t_" + purpose + "_" + Long.toHexString(System.nanoTime()) + Integer.toHexString((int) (Math.random() * 0xffff)))
            .toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        execute("CREATE SCHEMA " + name);
        return new TestSchema(name);
    }

    /**
     * @return the schema's name
     */
    public String name() {
        return name;
    }

    /**
     * @return the JDBC URL of the test database with this schema as the current one
     */
    public String url() {
        String base = TestServices.postgresUrl();
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /**
     * @return the properties pointing a gateway at this schema, at the test Redis, with this
     *         schema's name as the Redis key prefix of the identity views
     */
    public Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", url());
        properties.put("datasources.default.username", "postgres");
        properties.put("datasources.default.password", "");
        properties.put("redis.uri", TestServices.redisUri());
        properties.put("gateway.identity.sync.redis-prefix", "test:" + name);
        return properties;
    }

    /**
     * Runs a statement in this schema, as the test database's administrator: how a test changes
     * the tables under a running gateway.
     *
     * @param sql the statement
     */
    public void run(String sql) {
        execute(url(), sql);
    }

    @Override
    public void close() {
        execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }

    private static void execute(String sql) {
        execute(TestServices.postgresUrl(), sql);
    }

    private static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url, "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
