package io.gatehouse.conversation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;

/**
 * The read side of {@code session_events}: one event, a session's history a page at a time, and
 * the position of its last event, for {@link ConversationStore}'s history and streams. Its SQL is
 * generated when shared compiles, in SQL that H2 and PostgreSQL read alike (see
 * {@link io.gatehouse.identity.DatabaseDialect}); the rows are written by the intake's group commit
 * and the reply store, in plain JDBC.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface SessionEventRepository extends GenericRepository<SessionEventRepository.Event, Long> {

    /**
     * The columns of {@code session_events} that reads select by or return. Read only: every row is
     * inserted in plain JDBC, with the rest of its columns.
     *
     * @param seq       its position among all events
     * @param eventId   its id
     * @param sessionId its session
     * @param body      its JSON, as clients see it
     */
    @MappedEntity(value = "session_events", escape = false, alias = "event_")
    record Event(@Id @GeneratedValue long seq, String eventId, String sessionId, String body) {
    }

    /**
     * @param eventId   an event's id
     * @param sessionId a session
     * @return the event, or {@code null} when the session has no such event
     */
    @Nullable
    ConversationStore.StoredEvent findByEventIdAndSessionId(String eventId, String sessionId);

    /**
     * @param eventId   an event's id
     * @param sessionId a session
     * @return the event's position, or {@code null} when the session has no such event
     */
    @Nullable
    Long findSeqByEventIdAndSessionId(String eventId, String sessionId);

    /**
     * @param sessionId a session
     * @return the position of its last event, or {@code null} when it has none
     */
    @Nullable
    Long findMaxSeqBySessionId(String sessionId);

    /**
     * A page of a session's history on the {@code session_events_session} index, one statement
     * text whatever the page size.
     *
     * @param sessionId the session
     * @param after     the position after which the page starts
     * @param limit     the most events to return
     * @return the events, oldest first
     */
    @Query("SELECT seq, event_id, body FROM session_events WHERE session_id = :sessionId AND seq > :after ORDER BY seq LIMIT :limit")
    List<ConversationStore.StoredEvent> page(String sessionId, long after, int limit);
}
