package io.gatehouse.identity;

import io.micronaut.context.env.Environment;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.annotation.Internal;
import io.micronaut.data.jdbc.config.DataJdbcConfiguration;
import io.micronaut.data.model.query.builder.sql.Dialect;
import jakarta.inject.Singleton;

/**
 * Micronaut Data's run-time dialect ({@code datasources.<name>.dialect}) follows the data source's
 * URL unless it is configured: {@code POSTGRES} for {@code jdbc:postgresql:}, {@code H2} for
 * {@code jdbc:h2:} (the embedded default), so that pointing {@code DATASOURCES_DEFAULT_URL} at
 * PostgreSQL is all a deployment does, as {@link io.gatehouse.runtime.RuntimeMode} and the admin
 * store's listener decide from the URL too.
 *
 * <p>This dialect is not the one repository SQL is written in: Micronaut Data builds every
 * repository query when shared compiles, in the dialect of its {@code @JdbcRepository}
 * ({@code POSTGRES} for all of the gateway's), and never rebuilds it. It decides what Micronaut Data
 * does at run time: the SQL type a {@code null} parameter is bound with, and schema generation,
 * which Flyway does here instead. The repositories stay within SQL that H2 and PostgreSQL read alike
 * (unquoted identifiers, {@code LIMIT}, no {@code RETURNING}), as the Flyway migrations do.
 */
@Internal
@Singleton
final class DatabaseDialect implements BeanCreatedEventListener<DataJdbcConfiguration> {

    private final Environment environment;

    DatabaseDialect(Environment environment) {
        this.environment = environment;
    }

    @Override
    public DataJdbcConfiguration onCreated(BeanCreatedEvent<DataJdbcConfiguration> event) {
        DataJdbcConfiguration configuration = event.getBean();
        String prefix = DataJdbcConfiguration.PREFIX + "." + configuration.getName() + ".";
        if (!environment.containsProperty(prefix + "dialect")) {
            String url = environment.getProperty(prefix + "url", String.class).orElse("");
            if (url.startsWith("jdbc:postgresql:")) {
                configuration.setDialect(Dialect.POSTGRES);
            } else if (url.startsWith("jdbc:h2:")) {
                configuration.setDialect(Dialect.H2);
            }
        }
        return configuration;
    }
}
