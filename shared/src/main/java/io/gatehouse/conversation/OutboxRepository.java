package io.gatehouse.conversation;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

/**
 * The outbox's housekeeping: the backlog health and metrics report, and the purge of published
 * rows. Its SQL is generated when shared compiles, in SQL that H2 and PostgreSQL read alike (see
 * {@link io.gatehouse.identity.DatabaseDialect}). The relay's own protocol on the table (insert,
 * claim, sent, release) is plain JDBC in {@link ConversationStore}, which says why.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface OutboxRepository extends GenericRepository<OutboxRepository.Entry, Long> {

    /**
     * The columns of {@code session_outbox} the housekeeping reads. Read only: every row is
     * inserted in plain JDBC, with the rest of its columns.
     *
     * @param seq       its position
     * @param createdAt when it was accepted, epoch milliseconds
     * @param sentAt    when Kafka acknowledged it, epoch milliseconds, or {@code null}
     */
    @MappedEntity(value = "session_outbox", escape = false, alias = "outbox_")
    record Entry(@Id @GeneratedValue long seq, long createdAt, @Nullable Long sentAt) {
    }

    /**
     * The unpublished rows, counted in one statement.
     *
     * @param count  how many
     * @param oldest when the oldest was accepted, epoch milliseconds, or {@code null} when none is
     */
    @Introspected
    record Pending(long count, @Nullable Long oldest) {
    }

    /**
     * @return the unpublished rows
     */
    @Query("SELECT COUNT(*) AS count, MIN(created_at) AS oldest FROM session_outbox WHERE sent_at IS NULL")
    Pending pending();

    /**
     * @param before epoch milliseconds
     * @return how many published rows, published before then, were deleted
     */
    int deleteBySentAtLessThan(long before);
}
