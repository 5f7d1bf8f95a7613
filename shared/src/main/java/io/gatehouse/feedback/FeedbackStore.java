package io.gatehouse.feedback;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.IdentityDatabase;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code feedback} table ({@code V31__feedback.sql}) through plain JDBC on the gateway's data
 * source: PostgreSQL when configured, H2 in memory in the embedded default. Migrated on first use
 * through the identity store's Flyway runner, as every store is. Blocking: called on the blocking
 * executor.
 */
@Singleton
public class FeedbackStore {

    private static final Logger LOG = LoggerFactory.getLogger(FeedbackStore.class);

    private final IdentityDatabase database;

    FeedbackStore(IdentityDatabase database) {
        this.database = database;
    }

    /**
     * One feedback row.
     *
     * @param id          its id
     * @param tenant      the caller's tenant, or {@code null}
     * @param principal   the caller, as {@code method:subject}
     * @param userId      the {@code user_id} sent
     * @param category    {@code bug}, {@code feature} or {@code general}
     * @param rating      1 to 5
     * @param title       the title
     * @param description the description
     * @param userAgent   the user agent sent, or {@code null}
     * @param url         the URL sent, or {@code null}
     * @param metadata    the metadata sent, JSON (an empty object when none)
     * @param sessionId   the session it is about, or {@code null}
     * @param eventId     the event of that session it is about, or {@code null}
     * @param requestId   the request's id
     * @param createdAt   epoch milliseconds
     */
    public record Row(String id, @Nullable String tenant, String principal, String userId, String category, int rating,
                      String title, String description, @Nullable String userAgent, @Nullable String url, String metadata,
                      @Nullable String sessionId, @Nullable String eventId, @Nullable String requestId, long createdAt) {
    }

    /**
     * What the statistics count: the rows of one tenant (or of all), narrowed by the filters given.
     *
     * @param allTenants whether every tenant's rows count (the global administrator)
     * @param tenant     the tenant whose rows count when not all do; {@code null} for rows without one
     * @param from       the first instant, inclusive, epoch milliseconds, or {@code null}
     * @param to         the last instant, exclusive, epoch milliseconds, or {@code null}
     * @param category   the category, or {@code null}
     * @param sessionId  the session, or {@code null}
     */
    public record Query(boolean allTenants, @Nullable String tenant, @Nullable Long from, @Nullable Long to,
                        @Nullable String category, @Nullable String sessionId) {
    }

    /**
     * How many matching rows have one category and one rating.
     *
     * @param category the category
     * @param rating   the rating
     * @param count    how many rows
     */
    public record Group(String category, int rating, long count) {
    }

    /**
     * Stores a row, after checking in the same transaction that its event belongs to its session.
     *
     * @param row the row
     * @return {@code false}, storing nothing, when the row names an event that is not of its session
     * @throws GatewayException 503 when the database is down
     */
    public boolean insert(Row row) {
        return transaction(connection -> {
            if (row.eventId() != null && !eventOf(connection, row.eventId(), row.sessionId())) {
                return false;
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO feedback (id, tenant, principal, user_id, "
                + "category, rating, title, description, user_agent, url, metadata, session_id, event_id, request_id, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, row.id());
                insert.setString(2, row.tenant());
                insert.setString(3, row.principal());
                insert.setString(4, row.userId());
                insert.setString(5, row.category());
                insert.setInt(6, row.rating());
                insert.setString(7, row.title());
                insert.setString(8, row.description());
                insert.setString(9, row.userAgent());
                insert.setString(10, row.url());
                insert.setString(11, row.metadata());
                insert.setString(12, row.sessionId());
                insert.setString(13, row.eventId());
                insert.setString(14, row.requestId());
                insert.setLong(15, row.createdAt());
                insert.executeUpdate();
            }
            return true;
        });
    }

    private static boolean eventOf(Connection connection, String eventId, @Nullable String sessionId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM session_events WHERE event_id = ? AND session_id = ?")) {
            select.setString(1, eventId);
            select.setString(2, sessionId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Counts the matching rows by category and rating, in one statement so that every total comes
     * from the same snapshot: the database counts every row (at most 15 groups come back), and the
     * totals, per-category and per-rating counts and the average are sums of these exact counts.
     *
     * @param query what to count
     * @return the non-empty groups
     * @throws GatewayException 503 when the database is down
     */
    public List<Group> groups(Query query) {
        StringBuilder sql = new StringBuilder("SELECT category, rating, COUNT(*) FROM feedback WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (!query.allTenants()) {
            if (query.tenant() == null) {
                sql.append(" AND tenant IS NULL");
            } else {
                sql.append(" AND tenant = ?");
                parameters.add(query.tenant());
            }
        }
        if (query.from() != null) {
            sql.append(" AND created_at >= ?");
            parameters.add(query.from());
        }
        if (query.to() != null) {
            sql.append(" AND created_at < ?");
            parameters.add(query.to());
        }
        if (query.category() != null) {
            sql.append(" AND category = ?");
            parameters.add(query.category());
        }
        if (query.sessionId() != null) {
            sql.append(" AND session_id = ?");
            parameters.add(query.sessionId());
        }
        sql.append(" GROUP BY category, rating");
        return transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    select.setObject(i + 1, parameters.get(i));
                }
                List<Group> groups = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        groups.add(new Group(rs.getString(1), rs.getInt(2), rs.getLong(3)));
                    }
                }
                return groups;
            }
        });
    }

    private <T> T transaction(IdentityDatabase.Work<T> work) {
        try {
            return database.transaction(work, e -> {
                LOG.warn("Feedback store failed: {}", e.getMessage());
                return unavailable();
            });
        } catch (GatewayException e) {
            // The migration failed: the identity store's 503 says "identity store"; this one says feedback.
            throw e.errorCode() == ErrorCode.SERVICE_UNAVAILABLE ? unavailable() : e;
        }
    }

    private static GatewayException unavailable() {
        return new GatewayException(ErrorCode.SERVICE_UNAVAILABLE,
            "The feedback store is not available; try again shortly.",
            Map.of("store", "database"), Map.of("Retry-After", "1"));
    }
}
