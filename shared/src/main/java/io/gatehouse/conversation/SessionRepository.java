package io.gatehouse.conversation;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

/**
 * The read side of {@code conversation_sessions}: a session's row by its id, for
 * {@link ConversationStore#session(String)}. Its SQL is generated when shared compiles, in SQL that
 * H2 and PostgreSQL read alike (see {@link io.gatehouse.identity.DatabaseDialect}); the rows are
 * written by the intake's group commit, in plain JDBC.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface SessionRepository extends GenericRepository<ConversationSession, String> {

    /**
     * @param id a session id
     * @return the session, or {@code null}
     */
    @Nullable
    ConversationSession findById(String id);
}
