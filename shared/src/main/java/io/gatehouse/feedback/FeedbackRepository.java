package io.gatehouse.feedback;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;

/**
 * The {@code feedback} table as a Micronaut Data repository: its SQL is generated and checked when
 * shared compiles. Written in SQL that H2 and PostgreSQL read alike (see
 * {@link io.gatehouse.identity.DatabaseDialect}); {@link FeedbackStore} migrates the schema first and
 * turns a database failure into the feedback store's 503.
 *
 * <p>The statistics are one {@code GROUP BY} over every matching row, in three statements that differ
 * only in the tenant they confine it to, so that each is a plain equality (or {@code IS NULL}) the
 * {@code feedback_tenant_time} index serves; a missing {@code from} or {@code to} is passed as the
 * widest bound rather than tested for {@code NULL}, for the same reason.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface FeedbackRepository extends GenericRepository<FeedbackStore.Row, String> {

    /** What follows the tenant condition of every statistics statement. */
    String FILTERS = " AND created_at >= :from AND created_at < :to"
        + " AND (CAST(:category AS VARCHAR(16)) IS NULL OR category = :category)"
        + " AND (CAST(:sessionId AS VARCHAR(64)) IS NULL OR session_id = :sessionId)"
        + " GROUP BY category, rating";

    /** The grouped counts, before the tenant condition. */
    String GROUPS = "SELECT category, rating, COUNT(*) AS count FROM feedback WHERE ";

    /**
     * @param row the row to insert
     * @return the row
     */
    FeedbackStore.Row save(FeedbackStore.Row row);

    /**
     * @param eventId   an event's id
     * @param sessionId a session's id
     * @return 1 when the event is of that session, else 0
     */
    @Query("SELECT COUNT(*) FROM session_events WHERE event_id = :eventId AND session_id = :sessionId")
    long countEvents(String eventId, @Nullable String sessionId);

    /**
     * @param tenant    the tenant whose rows count
     * @param from      the first instant, inclusive, epoch milliseconds
     * @param to        the last instant, exclusive, epoch milliseconds
     * @param category  the category, or {@code null} for any
     * @param sessionId the session, or {@code null} for any
     * @return the non-empty groups
     */
    @Query(GROUPS + "tenant = :tenant" + FILTERS)
    List<FeedbackStore.Group> groupsOfTenant(String tenant, long from, long to, @Nullable String category, @Nullable String sessionId);

    /**
     * @param from      the first instant, inclusive, epoch milliseconds
     * @param to        the last instant, exclusive, epoch milliseconds
     * @param category  the category, or {@code null} for any
     * @param sessionId the session, or {@code null} for any
     * @return the non-empty groups of the rows without a tenant
     */
    @Query(GROUPS + "tenant IS NULL" + FILTERS)
    List<FeedbackStore.Group> groupsWithoutTenant(long from, long to, @Nullable String category, @Nullable String sessionId);

    /**
     * @param from      the first instant, inclusive, epoch milliseconds
     * @param to        the last instant, exclusive, epoch milliseconds
     * @param category  the category, or {@code null} for any
     * @param sessionId the session, or {@code null} for any
     * @return the non-empty groups of every tenant's rows
     */
    @Query(GROUPS + "1 = 1" + FILTERS)
    List<FeedbackStore.Group> groupsOfAllTenants(long from, long to, @Nullable String category, @Nullable String sessionId);
}
