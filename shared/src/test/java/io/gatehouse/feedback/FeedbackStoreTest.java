package io.gatehouse.feedback;

import io.gatehouse.testing.TestSchema;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code V31__feedback.sql} and {@link FeedbackStore}'s SQL on both databases the gateway supports,
 * H2 in memory (the embedded default) and PostgreSQL: the row, the event check, the table's own
 * refusal of a category or rating the API would not let through, and the grouped counts for every
 * filter and tenant scope.
 */
class FeedbackStoreTest {

    private static final long T0 = 1_700_000_000_000L;

    private static FeedbackStore.Row row(String id, String tenant, String category, int rating, long at, String session, String event) {
        return new FeedbackStore.Row(id, tenant, "jwt:alice", "u-1", category, rating, "title", "description", null, null, "{}",
            session, event, "req-" + id, at);
    }

    /** The groups as {@code category:rating} to count, sorted, to compare in one assertion. */
    private static Map<String, Long> counts(List<FeedbackStore.Group> groups) {
        Map<String, Long> out = new TreeMap<>();
        groups.forEach(g -> out.put(g.category() + ":" + g.rating(), g.count()));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void rowsEventCheckAndGroups_thenTheSameOnBothDatabases(String database) throws SQLException {
        TestSchema schema = database.equals("postgresql") ? TestSchema.create("feedbackstore") : null;
        Map<String, Object> properties = new HashMap<>();
        if (schema != null) {
            properties.putAll(schema.properties());
            properties.remove("redis.uri");
        } else {
            properties.put("datasources.default.url", "jdbc:h2:mem:feedback" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        }
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            FeedbackStore store = context.getBean(FeedbackStore.class);
            assertTrue(store.insert(row("f_1", "a", "bug", 5, T0 + 1000, null, null)), "migrates on first use");
            try (Connection connection = DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class)).getConnection();
                 Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO conversation_sessions (id, tenant, owner, created_at, last_activity) "
                    + "VALUES ('s_1', 'a', 'jwt:alice', 1, 1)");
                statement.executeUpdate("INSERT INTO session_events (event_id, session_id, tenant, direction, kind, role, body, created_at) "
                    + "VALUES ('e_1', 's_1', 'a', 'inbound', 'message', 'user', '{}', 1)");
                // The table refuses what validation refuses, whoever writes to it.
                assertThrows(SQLException.class, () -> statement.executeUpdate("INSERT INTO feedback (id, principal, user_id, category, "
                    + "rating, title, description, metadata, created_at) VALUES ('f_x', 'p', 'u', 'praise', 3, 't', 'd', '{}', 1)"));
                assertThrows(SQLException.class, () -> statement.executeUpdate("INSERT INTO feedback (id, principal, user_id, category, "
                    + "rating, title, description, metadata, created_at) VALUES ('f_y', 'p', 'u', 'bug', 6, 't', 'd', '{}', 1)"));
            }
            assertTrue(store.insert(row("f_2", "a", "bug", 3, T0 + 2000, null, null)));
            assertTrue(store.insert(row("f_3", "a", "feature", 4, T0 + 3000, "s_1", "e_1")));
            assertFalse(store.insert(row("f_4", "a", "feature", 4, T0 + 3000, "s_1", "e_2")), "e_2 is no event of s_1");
            assertFalse(store.insert(row("f_5", "a", "feature", 4, T0 + 3000, "s_2", "e_1")), "e_1 is no event of s_2");
            assertTrue(store.insert(row("f_6", "b", "general", 1, T0 + 1500, null, null)));
            assertTrue(store.insert(row("f_7", null, "general", 2, T0 + 500, null, null)));
            assertTrue(store.insert(row("f_8", "a", "bug", 5, T0 + 4000, null, null)));

            assertEquals(Map.of("bug:3", 1L, "bug:5", 2L, "feature:4", 1L),
                counts(store.groups(new FeedbackStore.Query(false, "a", null, null, null, null))));
            assertEquals(Map.of("bug:3", 1L, "feature:4", 1L),
                counts(store.groups(new FeedbackStore.Query(false, "a", T0 + 2000, T0 + 4000, null, null))), "from inclusive, to exclusive");
            assertEquals(Map.of("bug:3", 1L, "bug:5", 2L),
                counts(store.groups(new FeedbackStore.Query(false, "a", null, null, "bug", null))));
            assertEquals(Map.of("feature:4", 1L), counts(store.groups(new FeedbackStore.Query(false, "a", null, null, null, "s_1"))));
            assertEquals(Map.of(), counts(store.groups(new FeedbackStore.Query(false, "b", null, null, null, "s_1"))));
            assertEquals(Map.of("general:2", 1L), counts(store.groups(new FeedbackStore.Query(false, null, null, null, null, null))),
                "a reader without a tenant counts the rows without one");
            assertEquals(Map.of("bug:3", 1L, "bug:5", 2L, "feature:4", 1L, "general:1", 1L, "general:2", 1L),
                counts(store.groups(new FeedbackStore.Query(true, null, null, null, null, null))));

            FeedbackModels.Stats stats = FeedbackService.stats(store.groups(new FeedbackStore.Query(false, "a", null, null, null, null)));
            assertEquals(4, stats.totalFeedback());
            assertEquals(Map.of("bug", 3L, "feature", 1L, "general", 0L), stats.categories());
            assertEquals(Map.of("1", 0L, "2", 0L, "3", 1L, "4", 1L, "5", 2L), stats.ratings());
            assertEquals(4.25, stats.averageRating());
        } finally {
            if (schema != null) {
                schema.close();
            }
        }
    }
}
