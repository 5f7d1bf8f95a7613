package io.gatehouse.conversation;

import io.gatehouse.testing.TestSchema;
import io.micronaut.context.ApplicationContext;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code V32__session_idempotency_tenant.sql} and {@link ConversationStore}'s lookup of an
 * {@code Idempotency-Key} on both databases the gateway supports, H2 in memory and PostgreSQL: keys
 * stored before the upgrade (V31) still answer their callers' retries after it, and a caller of
 * another tenant with the same method and subject is answered with an event of its own.
 */
class ConversationStoreTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void keysStoredBeforeTheUpgrade_thenTheirCallersRetriesReplay_anotherTenantsSameCallerIsNew(String database) throws SQLException {
        TestSchema schema = database.equals("postgresql") ? TestSchema.create("idempotencyupgrade") : null;
        String url = schema != null ? schema.url() : "jdbc:h2:mem:idempotency" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        String user = schema != null ? "postgres" : "sa";
        Map<String, Object> properties = new HashMap<>();
        if (schema != null) {
            properties.putAll(schema.properties());
            properties.remove("redis.uri");
        } else {
            properties.put("datasources.default.url", url);
        }
        try {
            // A database as V31 left it, with a key of alice of acme and one of alice without a tenant.
            Flyway.configure().dataSource(url, user, "").locations("classpath:db/migration").target("31").load().migrate();
            try (Connection connection = DriverManager.getConnection(url, user, ""); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO conversation_sessions (id, tenant, owner, created_at, last_activity) VALUES "
                    + "('s_acme', 'acme', 'jwt:alice', 1, 1), ('s_none', NULL, 'jwt:alice', 1, 1)");
                statement.executeUpdate("INSERT INTO session_events (event_id, session_id, tenant, direction, kind, role, body, principal, "
                    + "idempotency_key, request_hash, created_at) VALUES "
                    + "('e_acme', 's_acme', 'acme', 'inbound', 'message', 'user', '{}', 'jwt:alice', 'k-1', 'h', 1), "
                    + "('e_none', 's_none', NULL, 'inbound', 'message', 'user', '{}', 'jwt:alice', 'k-2', 'h', 1)");
            }
            try (ApplicationContext context = ApplicationContext.run(properties)) {
                ConversationStore store = context.getBean(ConversationStore.class);
                assertEquals(new ConversationStore.Outcome("s_acme", "e_acme", true), store.accept(intake("acme", "k-1"), s -> true),
                    "the upgrade migrates, and acme's key still answers alice of acme");
                assertEquals(new ConversationStore.Outcome("s_none", "e_none", true), store.accept(intake(null, "k-2"), s -> true),
                    "and the tenantless key its caller");
                ConversationStore.Outcome globex = store.accept(intake("globex", "k-1"), s -> true);
                assertFalse(globex.replayed(), "alice of globex is another caller: " + globex);
                assertTrue(globex.eventId().startsWith("e_new"), globex.toString());
                assertEquals(new ConversationStore.Outcome(globex.sessionId(), globex.eventId(), true),
                    store.accept(intake("globex", "k-1"), s -> true), "and her retry answers her own event");
                assertFalse(store.accept(intake(null, "k-1"), s -> true).replayed(), "alice without a tenant is a third");
            }
        } finally {
            if (schema != null) {
                schema.close();
            }
        }
    }

    private static ConversationStore.Intake intake(String tenant, String key) {
        String eventId = "e_new" + System.nanoTime();
        return new ConversationStore.Intake("s_new" + System.nanoTime(), true, tenant, "jwt:alice", null, eventId, "message", "m", null,
            "{}", "req", key, "h", "conversation.inbound", "{}", "{}", System.currentTimeMillis());
    }
}
