package io.gatehouse.identity;

import io.gatehouse.testing.TestUpstream;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.jdbc.config.DataJdbcConfiguration;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.inject.qualifiers.Qualifiers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link DatabaseDialect}: Micronaut Data's run-time dialect follows {@code datasources.default.url}
 * (the embedded default's H2, or PostgreSQL) unless {@code datasources.default.dialect} is set.
 */
class DatabaseDialectTest {

    static Stream<Arguments> urls() {
        return Stream.of(
            Arguments.of("the embedded default", Map.of(), Dialect.H2),
            Arguments.of("a PostgreSQL URL", Map.of("datasources.default.url", "jdbc:postgresql://127.0.0.1:"
                + TestUpstream.closedPort() + "/test", "datasources.default.connection-timeout", 250), Dialect.POSTGRES),
            Arguments.of("a dialect configured", Map.of("datasources.default.dialect", "POSTGRES"), Dialect.POSTGRES));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void dataSource_thenDialectFromUrlUnlessConfigured(String name, Map<String, Object> properties, Dialect expected) {
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            assertEquals(expected, context.getBean(DataJdbcConfiguration.class, Qualifiers.byName("default")).getDialect());
        }
    }
}
