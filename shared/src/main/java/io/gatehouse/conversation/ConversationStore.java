package io.gatehouse.conversation;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.IdentityDatabase;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The conversation tables ({@code V30__conversations.sql}) on the gateway's data source: PostgreSQL
 * when configured, H2 in memory in the embedded default. Migrated on first use through the identity
 * store's Flyway runner, as every store is. Blocking: called on the blocking executor and by the
 * relay's thread.
 *
 * <p>An accepted message is one transaction: the session row (opened or touched), the event and its
 * outbox row. Nothing is acknowledged to a client before that transaction commits, and once it has,
 * the relay publishes the row whatever happens to this process.
 *
 * <p>The reads are Micronaut Data repositories, their SQL generated when shared compiles: a session
 * ({@link SessionRepository}), one event, a page of history and the last position
 * ({@link SessionEventRepository}), the outbox backlog and the purge of published rows
 * ({@link OutboxRepository}). Each is one statement on a connection of its own; rows are never
 * changed once written, so the two statements of a page need no transaction between them.
 *
 * <p>The writes stay plain JDBC, on a connection of the pool whose transaction this class owns
 * ({@link IdentityDatabase#transaction}), where Micronaut Data cannot say what they do or would do
 * it slower:
 * <ul>
 *   <li>the group commit takes every intake queued into one transaction, checks each one alone
 *       (its {@code Idempotency-Key}, the caller's right to the session) so that a refused intake
 *       fails alone, then writes them all as one JDBC batch per statement: open, touch, event,
 *       outbox row. A repository's {@code saveAll} asks for the generated {@code seq} of every
 *       event and outbox row (on PostgreSQL the driver then returns each whole row, body and
 *       payload included); the touch ({@code COALESCE} of the persona) would be a {@code @Query}
 *       update, one round trip per intake rather than one batch; and the unique violation
 *       ({@code 23505}) that makes a batch fall back to one transaction per intake would come
 *       wrapped in a {@code DataAccessException};</li>
 *   <li>the reply store ({@link #storeReplies}): a poll's replies in one transaction, on
 *       PostgreSQL one batch of {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING} (the session's
 *       tenant read by the insert, a taken id skipped), a batch of touches and one read-back of
 *       every row with its session, where a repository would save (and read back) row by row;</li>
 *   <li>the relay's claim: {@code SELECT ... FOR UPDATE SKIP LOCKED} on PostgreSQL, so that relays
 *       on several instances never wait on each other's rows, its text chosen by the database that
 *       answers and by whether one event is asked for, then the claim's update as a batch in the
 *       same transaction. Micronaut Data's generated queries can lock rows ({@code ...ForUpdate})
 *       but not skip locked ones, and a repository method has one SQL text, fixed when shared
 *       compiles. {@code sent} and {@code release}, the claim's other half, are batches of one
 *       statement text, where a repository's {@code IN (:seqs)} makes a text per number of rows.</li>
 * </ul>
 * Their reads inside those transactions (a session's row, an event by its id, an
 * {@code Idempotency-Key}) are JDBC too: they must run on the transaction's own connection, which
 * repositories, on Micronaut Data's transaction manager, do not see.
 */
@Singleton
public class ConversationStore {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationStore.class);

    /** SQLSTATE of a unique constraint violation, on PostgreSQL and H2 alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    private static final String EVENT_COLUMNS = "seq, event_id, body";

    private final IdentityDatabase schema;
    private final SessionRepository sessions;
    private final SessionEventRepository events;
    private final OutboxRepository outbox;
    private final boolean groupCommit;
    private final int maxBatch;
    private final java.util.concurrent.BlockingQueue<Pending> queue;
    private volatile Thread writer;
    private volatile Boolean postgres;

    ConversationStore(IdentityDatabase schema, SessionRepository sessions, SessionEventRepository events, OutboxRepository outbox,
                      ConversationConfiguration configuration) {
        this.schema = schema;
        this.sessions = sessions;
        this.events = events;
        this.outbox = outbox;
        this.groupCommit = configuration.isGroupCommit();
        this.maxBatch = Math.max(1, configuration.getMaxBatch());
        this.queue = new java.util.concurrent.LinkedBlockingQueue<>(Math.max(1, configuration.getMaxQueued()));
    }

    /** Stops the writer thread (the application context closes). */
    @jakarta.annotation.PreDestroy
    void close() {
        Thread t = writer;
        if (t != null) {
            t.interrupt();
        }
    }

    /**
     * What the intake stores for one accepted message or action.
     *
     * @param sessionId      the session, existing or new
     * @param newSession     whether the intake opens it
     * @param tenant         the caller's tenant, or {@code null}
     * @param owner          the caller ({@link ConversationAccess#owner})
     * @param personaId      the persona named, or {@code null}
     * @param eventId        the new event's id
     * @param kind           {@code message} or {@code action}
     * @param message        the text, or {@code null}
     * @param action         the action, or {@code null}
     * @param body           the event as clients see it, JSON
     * @param requestId      the request's id
     * @param idempotencyKey the request's {@code Idempotency-Key}, or {@code null}
     * @param requestHash    a hash of what was asked, to tell a retry from a reuse of the key
     * @param topic          the Kafka topic to publish to
     * @param payload        the record's value, JSON
     * @param headers        the record's headers, JSON object of strings
     * @param now            epoch milliseconds
     */
    public record Intake(String sessionId, boolean newSession, @Nullable String tenant, String owner, @Nullable String personaId,
                         String eventId, String kind, @Nullable String message, @Nullable String action, String body,
                         @Nullable String requestId, @Nullable String idempotencyKey, @Nullable String requestHash,
                         String topic, String payload, String headers, long now) {
    }

    /**
     * The outcome of an intake.
     *
     * @param sessionId the session
     * @param eventId   the event: the new one, or the first one for a retried {@code Idempotency-Key}
     * @param replayed  whether this was a retry answered with the first event
     */
    public record Outcome(String sessionId, String eventId, boolean replayed) {
    }

    /**
     * An outbox row to publish.
     *
     * @param seq       its position
     * @param eventId   the event
     * @param sessionId the session, the record's key
     * @param topic     the topic
     * @param payload   the record's value
     * @param headers   the record's headers, JSON
     * @param createdAt when it was accepted, epoch milliseconds
     */
    public record OutboxRow(long seq, String eventId, String sessionId, String topic, String payload, String headers, long createdAt) {
    }

    /**
     * A stored event with its position.
     *
     * @param seq     its position among all events
     * @param eventId its id
     * @param body    its JSON, as clients see it
     */
    @Introspected
    public record StoredEvent(long seq, String eventId, String body) {
    }

    /**
     * Stores an intake durably: the session row, the event and its outbox row commit together or not
     * at all. With {@code gateway.conversations.group-commit} (the container's default), concurrent
     * intakes are committed together: one writer thread takes every intake queued so far into one
     * transaction, so that a commit (and its disk flush) is shared by all of them; without it (Lambda),
     * each intake is its own transaction on the caller's thread. An intake that fails on its own (another caller's session, a reused key) fails alone; a
     * batch the database refuses as a whole is retried one intake per transaction.
     *
     * @param intake   what to store
     * @param mayWrite whether the caller may write to an existing session
     * @return the outcome
     * @throws GatewayException 404 for a session that does not exist or is not the caller's, 422 for
     *         an {@code Idempotency-Key} reused with another request, 503 when the database is down
     *         or the queue of intakes is full
     */
    public Outcome accept(Intake intake, Predicate<ConversationSession> mayWrite) {
        Pending pending = new Pending(intake, mayWrite, new CompletableFuture<>());
        if (!groupCommit) {
            commit(List.of(pending));
        } else if (!queue.offer(pending)) {
            throw new GatewayException(ErrorCode.OVERLOADED, "Too many messages are waiting to be stored; retry shortly.",
                Map.of("reason", "intake_queue_full"), Map.of("Retry-After", "1"));
        } else {
            startWriter();
        }
        try {
            return pending.result().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** An intake waiting for its transaction. */
    private record Pending(Intake intake, Predicate<ConversationSession> mayWrite, CompletableFuture<Outcome> result) {
    }

    private void startWriter() {
        if (writer == null) {
            synchronized (queue) {
                if (writer == null) {
                    writer = Thread.ofPlatform().daemon().name("gatehouse-session-writer").start(this::writeLoop);
                }
            }
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, maxBatch - 1);
            try {
                commit(batch);
            } catch (RuntimeException e) {
                batch.forEach(p -> p.result().completeExceptionally(e));
            }
            batch.clear();
        }
    }

    /** Stores a batch in one transaction and completes each intake's result. */
    private void commit(List<Pending> batch) {
        Object[] results;
        try {
            results = transaction(connection -> insert(connection, batch));
        } catch (UniqueViolation e) {
            if (batch.size() > 1) {
                // One intake collides with another (two retries with one key in the same batch, or on
                // two instances): each in a transaction of its own, so only that one is told.
                batch.forEach(p -> commit(List.of(p)));
                return;
            }
            Pending only = batch.getFirst();
            try {
                only.result().complete(afterCollision(only.intake()));
            } catch (RuntimeException failure) {
                only.result().completeExceptionally(failure);
            }
            return;
        } catch (RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (results[i] instanceof Outcome outcome) {
                batch.get(i).result().complete(outcome);
            } else {
                batch.get(i).result().completeExceptionally((RuntimeException) results[i]);
            }
        }
    }

    private Outcome afterCollision(Intake intake) {
        if (intake.idempotencyKey() != null) {
            // A concurrent request with the same key committed first: answer with its event.
            Outcome first = transaction(connection -> previous(connection, intake));
            if (first != null) {
                return first;
            }
        }
        throw new GatewayException(ErrorCode.CONFLICT, "The request conflicts with one stored at the same time; retry it.",
            Map.of("reason", "concurrent_write"), Map.of("Retry-After", "1"));
    }

    /**
     * The rows of a batch: each intake's checks one by one, then its inserts as JDBC batches.
     *
     * @return per intake, its {@link Outcome} or the {@link GatewayException} that refuses it alone
     */
    private static Object[] insert(Connection connection, List<Pending> batch) throws SQLException {
        Object[] results = new Object[batch.size()];
        List<Intake> stored = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Intake intake = batch.get(i).intake();
            try {
                Outcome first = intake.idempotencyKey() != null ? previous(connection, intake) : null;
                if (first != null) {
                    results[i] = first;
                    continue;
                }
                if (!intake.newSession()) {
                    ConversationSession session = session(connection, intake.sessionId());
                    if (session == null || !batch.get(i).mayWrite().test(session)) {
                        throw ConversationAccess.notFound(intake.sessionId());
                    }
                }
            } catch (GatewayException refused) {
                results[i] = refused;
                continue;
            }
            results[i] = new Outcome(intake.sessionId(), intake.eventId(), false);
            stored.add(intake);
        }
        if (stored.isEmpty()) {
            return results;
        }
        try (PreparedStatement open = connection.prepareStatement("INSERT INTO conversation_sessions "
                 + "(id, tenant, owner, persona_id, created_at, last_activity) VALUES (?, ?, ?, ?, ?, ?)");
             PreparedStatement touch = connection.prepareStatement("UPDATE conversation_sessions SET last_activity = ?, "
                 + "persona_id = COALESCE(?, persona_id) WHERE id = ?");
             PreparedStatement event = connection.prepareStatement("INSERT INTO session_events (event_id, session_id, tenant, "
                 + "direction, kind, role, persona_id, message, action, body, principal, request_id, idempotency_key, request_hash, "
                 + "created_at, idempotency_tenant) VALUES (?, ?, ?, 'inbound', ?, 'user', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement outbox = connection.prepareStatement("INSERT INTO session_outbox (event_id, session_id, topic, "
                 + "payload, headers, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            boolean opened = false;
            boolean touched = false;
            for (Intake intake : stored) {
                if (intake.newSession()) {
                    open.setString(1, intake.sessionId());
                    open.setString(2, intake.tenant());
                    open.setString(3, intake.owner());
                    open.setString(4, intake.personaId());
                    open.setLong(5, intake.now());
                    open.setLong(6, intake.now());
                    open.addBatch();
                    opened = true;
                } else {
                    touch.setLong(1, intake.now());
                    touch.setString(2, intake.personaId());
                    touch.setString(3, intake.sessionId());
                    touch.addBatch();
                    touched = true;
                }
                event.setString(1, intake.eventId());
                event.setString(2, intake.sessionId());
                event.setString(3, intake.tenant());
                event.setString(4, intake.kind());
                event.setString(5, intake.personaId());
                event.setString(6, intake.message());
                event.setString(7, intake.action());
                event.setString(8, intake.body());
                event.setString(9, intake.owner());
                event.setString(10, intake.requestId());
                event.setString(11, intake.idempotencyKey());
                event.setString(12, intake.requestHash());
                event.setLong(13, intake.now());
                event.setString(14, idempotencyTenant(intake));
                event.addBatch();
                outbox.setString(1, intake.eventId());
                outbox.setString(2, intake.sessionId());
                outbox.setString(3, intake.topic());
                outbox.setString(4, intake.payload());
                outbox.setString(5, intake.headers());
                outbox.setLong(6, intake.now());
                outbox.addBatch();
            }
            if (opened) {
                open.executeBatch();
            }
            if (touched) {
                touch.executeBatch();
            }
            event.executeBatch();
            outbox.executeBatch();
        } catch (java.sql.BatchUpdateException e) {
            // The driver reports the statement's failure through the batch: the cause carries its state.
            throw e.getNextException() != null ? e.getNextException() : e;
        }
        return results;
    }

    /**
     * The event an earlier intake stored under this intake's {@code Idempotency-Key}. A key is its
     * caller's within the caller's tenant: the owner alone ({@code method:subject}) is the same for
     * {@code jwt:alice} of two tenants, and one must never be answered with the other's event.
     */
    private static @Nullable Outcome previous(Connection connection, Intake intake) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT session_id, event_id, request_hash FROM session_events "
            + "WHERE idempotency_tenant = ? AND principal = ? AND idempotency_key = ?")) {
            select.setString(1, idempotencyTenant(intake));
            select.setString(2, intake.owner());
            select.setString(3, intake.idempotencyKey());
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (!java.util.Objects.equals(rs.getString(3), intake.requestHash())) {
                    throw new GatewayException(ErrorCode.UNPROCESSABLE_CONTENT,
                        "This Idempotency-Key was already used with a different request.",
                        Map.of("reason", "idempotency_key_reused"), Map.of());
                }
                return new Outcome(rs.getString(1), rs.getString(2), true);
            }
        }
    }

    /**
     * @return the intake's tenant as the {@code Idempotency-Key}'s constraint holds it: {@code ''}
     *         for none, as a unique constraint never finds two {@code NULL}s equal (a tenant is never blank)
     */
    private static String idempotencyTenant(Intake intake) {
        return intake.tenant() == null ? "" : intake.tenant();
    }

    /**
     * An agent's reply to store.
     *
     * @param sessionId the session it names
     * @param eventId   its event id
     * @param role      the agent's role
     * @param personaId the persona, or {@code null}
     * @param message   the text, or {@code null}
     * @param body      the event as clients see it, JSON
     * @param now       when it was read, epoch milliseconds
     */
    public record Reply(String sessionId, String eventId, String role, @Nullable String personaId, @Nullable String message,
                        String body, long now) {
    }

    /**
     * An event stored under a reply's event id.
     *
     * @param sessionId the session that event belongs to (another than the reply names, when the id
     *                  was taken by one of its events)
     * @param event     the event
     */
    public record StoredReply(String sessionId, StoredEvent event) {
    }

    /**
     * Stores the events agents produced (from {@code conversation.outbound}), each once, in one
     * transaction: a redelivered record, or one another consumer stored first, finds its event id
     * taken and changes nothing. On PostgreSQL it is three statements whatever the number of
     * replies (a batch of inserts that skip a taken id, a batch of session touches, one read back),
     * in event-id order, so that two consumers storing the same replies wait for each other rather
     * than deadlock.
     *
     * @param replies the replies
     * @return the event stored under each reply's event id (now or before), by event id; none for a
     *         reply whose session does not exist
     * @throws ReplyWriteFailed when the database refused the write or did not answer
     * @throws GatewayException 503 when the schema cannot be migrated
     */
    public Map<String, StoredReply> storeReplies(List<Reply> replies) {
        if (replies.isEmpty()) {
            return Map.of();
        }
        TreeMap<String, Reply> byId = new TreeMap<>();
        TreeMap<String, Long> touched = new TreeMap<>();
        for (Reply reply : replies) {
            byId.putIfAbsent(reply.eventId(), reply);
            touched.merge(reply.sessionId(), reply.now(), Math::max);
        }
        return asSessionStore(() -> schema.transaction(connection -> {
            if (postgres(connection)) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO session_events (event_id, session_id, tenant, "
                    + "direction, kind, role, persona_id, message, body, created_at) SELECT ?, s.id, s.tenant, 'outbound', 'reply', ?, ?, ?, ?, ? "
                    + "FROM conversation_sessions s WHERE s.id = ? ON CONFLICT (event_id) DO NOTHING")) {
                    for (Reply reply : byId.values()) {
                        insert.setString(1, reply.eventId());
                        insert.setString(2, reply.role());
                        insert.setString(3, reply.personaId());
                        insert.setString(4, reply.message());
                        insert.setString(5, reply.body());
                        insert.setLong(6, reply.now());
                        insert.setString(7, reply.sessionId());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            } else {
                for (Reply reply : byId.values()) {
                    storeReply(connection, reply);
                }
            }
            try (PreparedStatement touch = connection.prepareStatement(
                "UPDATE conversation_sessions SET last_activity = ? WHERE id = ? AND last_activity < ?")) {
                for (Map.Entry<String, Long> session : touched.entrySet()) {
                    touch.setLong(1, session.getValue());
                    touch.setString(2, session.getKey());
                    touch.setLong(3, session.getValue());
                    touch.addBatch();
                }
                touch.executeBatch();
            }
            Map<String, StoredReply> stored = new HashMap<>();
            String marks = String.join(", ", java.util.Collections.nCopies(byId.size(), "?"));
            try (PreparedStatement select = connection.prepareStatement("SELECT " + EVENT_COLUMNS + ", session_id FROM session_events "
                + "WHERE event_id IN (" + marks + ")")) {
                int i = 1;
                for (String eventId : byId.keySet()) {
                    select.setString(i++, eventId);
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        stored.put(rs.getString(2), new StoredReply(rs.getString(4), new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3))));
                    }
                }
            }
            return stored;
        }, e -> {
            LOG.warn("Session store failed: {}", e.getMessage());
            return new ReplyWriteFailed(e);
        }));
    }

    /**
     * Storing replies failed in the database ({@link #storeReplies}); the transaction rolled back.
     * Its cause is the database's error, which tells an outage, worth waiting out, from replies the
     * database refuses whenever they are written ({@link #refusedData()}).
     */
    public static final class ReplyWriteFailed extends RuntimeException {

        ReplyWriteFailed(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        /**
         * @return whether the database refused the data itself (SQLSTATE class 22, a data exception
         *         such as a value too long or a character it cannot store, or 23, a constraint):
         *         writing the same rows again fails again, however long one waits
         */
        public boolean refusedData() {
            for (SQLException e = (SQLException) getCause(); e != null; e = e.getNextException()) {
                String state = e.getSQLState();
                if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                    return true;
                }
                if (e.getNextException() == e) {
                    break;
                }
            }
            return false;
        }
    }

    /** One reply, where the database has no insert that skips a taken key (H2, the embedded default). */
    private static void storeReply(Connection connection, Reply reply) throws SQLException {
        if (event(connection, reply.eventId()) != null) {
            return;
        }
        ConversationSession session = session(connection, reply.sessionId());
        if (session == null) {
            return;
        }
        try (PreparedStatement event = connection.prepareStatement("INSERT INTO session_events (event_id, session_id, tenant, "
            + "direction, kind, role, persona_id, message, body, created_at) VALUES (?, ?, ?, 'outbound', 'reply', ?, ?, ?, ?, ?)")) {
            event.setString(1, reply.eventId());
            event.setString(2, reply.sessionId());
            event.setString(3, session.tenant());
            event.setString(4, reply.role());
            event.setString(5, reply.personaId());
            event.setString(6, reply.message());
            event.setString(7, reply.body());
            event.setLong(8, reply.now());
            event.executeUpdate();
        }
    }

    /**
     * @param sessionId a session id
     * @return the session, or {@code null}
     */
    public @Nullable ConversationSession session(String sessionId) {
        return data(() -> sessions.findById(sessionId));
    }

    private static @Nullable ConversationSession session(Connection connection, String sessionId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id, tenant, owner, persona_id, created_at, last_activity "
            + "FROM conversation_sessions WHERE id = ?")) {
            select.setString(1, sessionId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new ConversationSession(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getLong(5), rs.getLong(6)) : null;
            }
        }
    }

    /**
     * @param sessionId a session
     * @return the position of its last event, or 0 when it has none
     */
    public long lastSeq(String sessionId) {
        Long last = data(() -> events.findMaxSeqBySessionId(sessionId));
        return last == null ? 0 : last;
    }

    /**
     * @param sessionId a session
     * @param eventId   an event's id
     * @return the stored event, or {@code null} when the session has no such event
     */
    public @Nullable StoredEvent event(String sessionId, String eventId) {
        return data(() -> events.findByEventIdAndSessionId(eventId, sessionId));
    }

    private static @Nullable StoredEvent event(Connection connection, String eventId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + EVENT_COLUMNS + " FROM session_events WHERE event_id = ?")) {
            select.setString(1, eventId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3)) : null;
            }
        }
    }

    /**
     * A session's events after one of its events, oldest first.
     *
     * @param sessionId the session
     * @param after     an event of the session, or {@code null} for the first page
     * @param limit     the most events to return
     * @return the events, or {@code null} when {@code after} is not an event of this session
     */
    public @Nullable List<StoredEvent> events(String sessionId, @Nullable String after, int limit) {
        return data(() -> {
            long from = 0;
            if (after != null) {
                Long seq = events.findSeqByEventIdAndSessionId(after, sessionId);
                if (seq == null) {
                    return null;
                }
                from = seq;
            }
            // A limit of 0 only asks whether after is an event of the session.
            return limit > 0 ? events.page(sessionId, from, limit) : List.of();
        });
    }

    /**
     * Claims unpublished outbox rows whose earlier claim (if any) has lapsed, oldest first. On
     * PostgreSQL, rows another relay is claiming right now are skipped ({@code SKIP LOCKED}).
     *
     * @param limit   the most rows to claim
     * @param now     epoch milliseconds
     * @param claimMs how long the claim holds
     * @param eventId only this event's row, or {@code null} for any
     * @return the claimed rows
     */
    public List<OutboxRow> claim(int limit, long now, long claimMs, @Nullable String eventId) {
        return transaction(connection -> {
            String lock = postgres(connection) ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
            List<OutboxRow> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT seq, event_id, session_id, topic, payload, headers, "
                + "created_at FROM session_outbox WHERE sent_at IS NULL AND claimed_until < ?"
                + (eventId != null ? " AND event_id = ?" : "") + " ORDER BY seq LIMIT ?" + lock)) {
                select.setLong(1, now);
                int next = 2;
                if (eventId != null) {
                    select.setString(next++, eventId);
                }
                select.setInt(next, limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new OutboxRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getLong(7)));
                    }
                }
            }
            if (!rows.isEmpty()) {
                try (PreparedStatement update = connection.prepareStatement("UPDATE session_outbox SET claimed_until = ?, "
                    + "attempts = attempts + 1 WHERE seq = ?")) {
                    for (OutboxRow row : rows) {
                        update.setLong(1, now + claimMs);
                        update.setLong(2, row.seq());
                        update.addBatch();
                    }
                    update.executeBatch();
                }
            }
            return rows;
        });
    }

    /**
     * Marks rows published.
     *
     * @param seqs the rows
     * @param now  epoch milliseconds
     */
    public void sent(List<Long> seqs, long now) {
        if (seqs.isEmpty()) {
            return;
        }
        transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE session_outbox SET sent_at = ? WHERE seq = ?")) {
                for (long seq : seqs) {
                    update.setLong(1, now);
                    update.setLong(2, seq);
                    update.addBatch();
                }
                update.executeBatch();
            }
            return null;
        });
    }

    /**
     * Gives claimed rows back at once (a publish failed), so the next pass takes them again.
     *
     * @param seqs the rows
     */
    public void release(List<Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE session_outbox SET claimed_until = 0 WHERE seq = ? AND sent_at IS NULL")) {
                for (long seq : seqs) {
                    update.setLong(1, seq);
                    update.addBatch();
                }
                update.executeBatch();
            }
            return null;
        });
    }

    /**
     * @return the unpublished rows and the age of the oldest, in milliseconds, for health and metrics
     */
    public Backlog backlog() {
        OutboxRepository.Pending pending = data(outbox::pending);
        long oldest = pending.oldest() == null ? 0 : pending.oldest();
        return new Backlog(pending.count(), pending.count() == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest));
    }

    /**
     * The outbox rows not yet published.
     *
     * @param rows        how many
     * @param oldestAgeMs the age of the oldest, in milliseconds
     */
    public record Backlog(long rows, long oldestAgeMs) {
    }

    /**
     * Deletes published rows older than a bound.
     *
     * @param before epoch milliseconds
     * @return how many were deleted
     */
    public int purgeSent(long before) {
        return data(() -> outbox.deleteBySentAtLessThan(before));
    }

    private boolean postgres(Connection connection) throws SQLException {
        Boolean known = postgres;
        if (known == null) {
            known = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
            postgres = known;
        }
        return known;
    }

    private <T> T transaction(IdentityDatabase.Work<T> work) {
        return asSessionStore(() -> schema.transaction(work,
            e -> UNIQUE_VIOLATION.equals(e.getSQLState()) ? new UniqueViolation() : failed(e)));
    }

    private <T> T data(Supplier<T> reads) {
        return asSessionStore(() -> schema.repositories(reads, ConversationStore::failed));
    }

    private static RuntimeException failed(Exception e) {
        LOG.warn("Session store failed: {}", e.getMessage());
        return unavailable();
    }

    private static <T> T asSessionStore(Supplier<T> call) {
        try {
            return call.get();
        } catch (GatewayException e) {
            // The migration failed: the identity store's 503 says "identity store"; this one says sessions.
            throw e.errorCode() == ErrorCode.SERVICE_UNAVAILABLE ? unavailable() : e;
        }
    }

    /** A unique constraint refused a write: a concurrent request stored the same thing first. */
    private static final class UniqueViolation extends RuntimeException {
        UniqueViolation() {
            super(null, null, false, false);
        }
    }

    private static GatewayException unavailable() {
        return new GatewayException(ErrorCode.SERVICE_UNAVAILABLE,
            "The session store is not available; nothing was stored. Try again shortly.",
            Map.of("store", "database"), Map.of("Retry-After", "1"));
    }
}
