package io.gatehouse.observability.tracing;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.util.StringUtils;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.jdbc.datasource.JdbcTelemetry;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * A client span per JDBC statement while tracing is on: each {@link DataSource} is wrapped, as it is
 * created, by OpenTelemetry's JDBC instrumentation ({@code opentelemetry-jdbc}), so every store of
 * the gateway (sessions, identity, admin, audit) and micronaut-data's repositories are traced alike,
 * as children of whatever span is current: the request's server span, or a consumer or relay span.
 *
 * <p>Only work done inside a span is traced: a connection taken while no span is current (the
 * outbox relay's polls, health checks, the identity views' refresh, a consumer's batch) is the
 * pool's own, so background work does not flood the collector with a root trace per statement.
 * Statements are recorded sanitised ({@code db.query.text} with every literal replaced by
 * {@code ?}) and never with their parameters, so no credential, token or message text reaches a
 * span. Connections taken from the pool get no span of their own.
 *
 * <p>This listener runs before micronaut-data's ({@link #getOrder()}), so the wrapper sits right on
 * the pool and under micronaut-data's transaction-aware proxy: the stores that unwrap that proxy
 * ({@code DataSourceResolver}) still reach the traced one.
 */
@Singleton
@Requires(property = "otel.traces.exporter", notEquals = "none")
@Requires(property = TracingConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class JdbcSpans implements BeanCreatedEventListener<DataSource>, Ordered {

    private final JdbcTelemetry telemetry;

    JdbcSpans(OpenTelemetry openTelemetry) {
        this.telemetry = JdbcTelemetry.builder(openTelemetry)
            .setDataSourceInstrumenterEnabled(false)
            .setStatementSanitizationEnabled(true)
            .setCaptureQueryParameters(false)
            .build();
    }

    @Override
    public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
        DataSource pool = event.getBean();
        return new WhileTraced(pool, telemetry.wrap(pool));
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }

    /**
     * Hands out the traced connection while a span is current, the pool's own otherwise.
     *
     * @param pool   the data source as created
     * @param traced the same, wrapped by OpenTelemetry
     */
    private record WhileTraced(DataSource pool, DataSource traced) implements DataSource {

        private DataSource current() {
            return Span.current().getSpanContext().isValid() ? traced : pool;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return current().getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return current().getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return pool.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            pool.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            pool.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return pool.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return pool.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return type.isInstance(this) || pool.isWrapperFor(type);
        }
    }
}
