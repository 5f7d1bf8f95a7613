package io.gatehouse.conversation;

import io.gatehouse.conversation.ConversationStore.Reply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The agents' replies as records of {@code conversation.outbound}: how one is read, and stored
 * once, a poll's records at a time ({@link ConversationStore#storeReplies}). Both consumers of the
 * topic use it: {@link ReplyStore}, which stores every reply for the history, and
 * {@link ReplyFanOut}, which stores and hands it to this instance's streams.
 *
 * <p>A record: key the session id, value
 * {@code {"event_id", "session_id", "persona_id"?, "role"? (default assistant), "message", "metadata"?}}.
 * A record that cannot be read (not JSON, a field missing, of the wrong type or not one of these, a
 * key that is not its session, an event id another session's event holds) is skipped, never
 * retried; so is one the database refuses to store whenever it is written (a value it cannot hold),
 * alone: the replies polled with it are stored. A database that does not answer is waited out
 * ({@link Retry}): nothing is skipped for an outage.
 */
@Singleton
@Requires(property = "kafka.bootstrap.servers")
final class ReplyRecords {

    /** The role of a reply that names none. */
    static final String DEFAULT_ROLE = "assistant";

    private static final Logger LOG = LoggerFactory.getLogger(ReplyRecords.class);
    /** An agent's role in a reply. */
    private static final Pattern ROLE = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,31}");
    private static final List<String> FIELDS = List.of("event_id", "session_id", "persona_id", "role", "message", "metadata");

    private final ConversationStore store;
    private final JsonMapper json;

    ReplyRecords(ConversationStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    /** What storing a reply came to. */
    enum Outcome {
        /** Stored now, or by another consumer before. */
        STORED,
        /** The session does not exist. */
        UNKNOWN_SESSION,
        /** The event id is an event of another session. */
        TAKEN,
        /** The database refuses to store it, however often it is written. */
        UNSTORABLE
    }

    /**
     * @param reply   the reply
     * @param outcome what storing it came to
     * @param event   the stored event when {@link Outcome#STORED}
     */
    record Stored(Reply reply, Outcome outcome, ConversationStore.@Nullable StoredEvent event) {
    }

    /**
     * The counters of one consumer of the topic, by outcome.
     */
    static final class Outcomes {

        private final Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
        private final Counter unreadable;
        private final Counter failed;

        /**
         * @param registry    the meters
         * @param name        the counter's name
         * @param description what it counts
         */
        Outcomes(MeterRegistry registry, String name, String description) {
            byOutcome.put(Outcome.STORED, counter(registry, name, description, "stored"));
            byOutcome.put(Outcome.UNKNOWN_SESSION, counter(registry, name, description, "unknown_session"));
            unreadable = counter(registry, name, description, "unreadable");
            // An event id another session holds is as unreadable as a record that is not JSON.
            byOutcome.put(Outcome.TAKEN, unreadable);
            byOutcome.put(Outcome.UNSTORABLE, counter(registry, name, description, "unstorable"));
            failed = counter(registry, name, description, "failed");
        }

        private static Counter counter(MeterRegistry registry, String name, String description, String outcome) {
            return Counter.builder(name).description(description).tag("outcome", outcome).register(registry);
        }
    }

    /**
     * Reads a poll's records and stores their replies in one transaction, counting each outcome.
     *
     * @param batch    the records, in the order of their partitions
     * @param report   whether to log the records skipped (one consumer reports, the other would
     *                 repeat it)
     * @param outcomes the consumer's counters
     * @return each reply read, in the order of the records, with what came of it
     * @throws RuntimeException when the database does not answer (counted as {@code failed}): the
     *                          caller tries the records again ({@link Retry})
     */
    List<Stored> handle(List<ConsumerRecord<String, String>> batch, boolean report, Outcomes outcomes) {
        List<Reply> replies = new ArrayList<>(batch.size());
        for (ConsumerRecord<String, String> record : batch) {
            Reply reply = read(record, report);
            if (reply == null) {
                outcomes.unreadable.increment();
            } else {
                replies.add(reply);
            }
        }
        Map<String, ConversationStore.StoredReply> stored;
        Set<String> refused = Set.of();
        try {
            stored = store(replies, outcomes);
        } catch (ConversationStore.ReplyWriteFailed e) {
            if (!e.refusedData()) {
                throw e;
            }
            refused = new HashSet<>();
            stored = oneByOne(replies, report, outcomes, refused);
        }
        List<Stored> results = new ArrayList<>(replies.size());
        for (Reply reply : replies) {
            ConversationStore.StoredReply row = stored.get(reply.eventId());
            Stored result;
            if (refused.contains(reply.eventId())) {
                result = new Stored(reply, Outcome.UNSTORABLE, null);
            } else if (row == null) {
                result = new Stored(reply, Outcome.UNKNOWN_SESSION, null);
                if (report) {
                    LOG.info("Reply {} names session {}, which does not exist; skipped", reply.eventId(), reply.sessionId());
                }
            } else if (!row.sessionId().equals(reply.sessionId())) {
                result = new Stored(reply, Outcome.TAKEN, null);
                if (report) {
                    LOG.warn("Reply {} names session {}, but that event id belongs to another session; skipped", reply.eventId(),
                        reply.sessionId());
                }
            } else {
                result = new Stored(reply, Outcome.STORED, row.event());
            }
            outcomes.byOutcome.get(result.outcome()).increment();
            results.add(result);
        }
        return results;
    }

    /**
     * The database refused a poll's replies as data: stores them one at a time, so that the one it
     * refuses is skipped (logged, counted) and the others are stored.
     *
     * @param refused where the event ids of the replies the database refused go
     * @return what {@link ConversationStore#storeReplies} returns for the others
     * @throws RuntimeException when the database stops answering meanwhile
     */
    private Map<String, ConversationStore.StoredReply> oneByOne(List<Reply> replies, boolean report, Outcomes outcomes,
                                                                Set<String> refused) {
        Map<String, ConversationStore.StoredReply> stored = new HashMap<>();
        for (Reply reply : replies) {
            try {
                stored.putAll(store(List.of(reply), outcomes));
            } catch (ConversationStore.ReplyWriteFailed e) {
                if (!e.refusedData()) {
                    throw e;
                }
                refused.add(reply.eventId());
                if (report) {
                    LOG.warn("Reply {} of session {} is refused by the database ({}); skipped", reply.eventId(), reply.sessionId(),
                        e.getMessage());
                }
            }
        }
        return stored;
    }

    /**
     * Stores replies, counting a database that did not answer as {@code failed}; data the database
     * refuses is thrown uncounted, for the caller to store around it.
     */
    private Map<String, ConversationStore.StoredReply> store(List<Reply> replies, Outcomes outcomes) {
        try {
            return store.storeReplies(replies);
        } catch (RuntimeException e) {
            if (!(e instanceof ConversationStore.ReplyWriteFailed failed && failed.refusedData())) {
                outcomes.failed.increment();
            }
            throw e;
        }
    }

    /**
     * @param record a record of the outbound topic
     * @param report whether to log why a record cannot be read (one consumer reports, the other
     *               would repeat it)
     * @return the reply, or {@code null} when the record cannot be read
     */
    @Nullable Reply read(ConsumerRecord<String, String> record, boolean report) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (record.value() == null) {
            return unreadable(report, where, "has no value");
        }
        Map<?, ?> value;
        try {
            value = json.readValue(record.value(), Map.class);
        } catch (IOException | RuntimeException e) {
            return unreadable(report, where, "is not a JSON object: " + e.getMessage());
        }
        if (value == null) {
            return unreadable(report, where, "is not a JSON object");
        }
        for (Object field : value.keySet()) {
            if (!FIELDS.contains(field)) {
                // Never dropped silently: a misspelt "mesage" would otherwise store an empty reply.
                return unreadable(report, where, "'" + field + "' is not a field of a reply; expected " + String.join(", ", FIELDS));
            }
        }
        for (String field : new String[] {"event_id", "session_id", "persona_id", "role", "message"}) {
            Object v = value.get(field);
            boolean required = field.equals("event_id") || field.equals("session_id");
            if ((v != null || required) && !(v instanceof String s && !s.isBlank())) {
                return unreadable(report, where, field + " must be a non-empty string");
            }
        }
        String eventId = (String) value.get("event_id");
        String sessionId = (String) value.get("session_id");
        if (!Ids.plausible(eventId) || !Ids.plausible(sessionId)) {
            return unreadable(report, where, "event_id and session_id must be 3-64 letters, digits, '.', '_' or '-'");
        }
        if (record.key() != null && !record.key().equals(sessionId)) {
            return unreadable(report, where, "its key " + record.key() + " is not its session_id " + sessionId);
        }
        if (value.get("persona_id") instanceof String persona && !ConversationService.PERSONA.matcher(persona).matches()) {
            return unreadable(report, where, "persona_id must be 1-128 letters, digits, '.', '_', ':' or '-' starting with a letter or digit");
        }
        if (value.get("role") instanceof String named && !ROLE.matcher(named).matches()) {
            return unreadable(report, where, "role must be 1-32 letters, digits, '.', '_' or '-' starting with a letter");
        }
        if (value.get("message") instanceof String text && text.indexOf('\0') >= 0) {
            // PostgreSQL cannot store the NUL character in text.
            return unreadable(report, where, "message must not contain the character U+0000");
        }
        Object metadata = value.get("metadata");
        if (metadata != null && !(metadata instanceof Map<?, ?>)) {
            return unreadable(report, where, "metadata must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = metadata == null ? Map.of() : (Map<String, Object>) metadata;
        String personaId = (String) value.get("persona_id");
        String role = value.get("role") == null ? DEFAULT_ROLE : (String) value.get("role");
        String message = (String) value.get("message");
        long now = System.currentTimeMillis();
        ConversationModels.Event event = new ConversationModels.Event(eventId, sessionId, personaId, role,
            "reply", message, null, null, null, meta, Instant.ofEpochMilli(now).toString());
        try {
            return new Reply(sessionId, eventId, role, personaId, message, json.writeValueAsString(event), now);
        } catch (IOException e) {
            return unreadable(report, where, "cannot be written as an event: " + e.getMessage());
        }
    }

    /**
     * How a consumer of the topic tries again a poll whose replies the database did not store:
     * it rewinds the poll's partitions to the poll's first records and waits, then returns, and the
     * next poll reads the same records again, for as long as the database does not answer.
     *
     * <p>The listener never throws into micronaut-kafka: its batch retry throws a
     * {@code NullPointerException} for a partition assigned during the failing poll (one with no
     * offset read before it), which leaves that poll's records behind uncommitted while later polls
     * commit past them. The consumer keeps polling meanwhile (no rebalance however long the outage),
     * an offset committed after a rewind is the rewound one, and a stop is seen within one wait.
     * The first failure and the recovery are logged, not every attempt.
     */
    static final class Retry {

        private final long firstMillis;
        private final long maxMillis;
        private int failures;

        /**
         * @param firstMillis the wait after a first failure, doubled after each next one
         * @param maxMillis   the longest wait
         */
        Retry(long firstMillis, long maxMillis) {
            this.firstMillis = firstMillis;
            this.maxMillis = maxMillis;
        }

        /**
         * The database stored a poll's replies.
         */
        void stored() {
            if (failures > 0) {
                LOG.info("Replies of the outbound topic are stored again, after {} failed attempts", failures);
                failures = 0;
            }
        }

        /**
         * The database did not store a poll's replies: rewinds and waits. Called on the consumer's
         * own thread, between polls, where the records' partitions are assigned.
         *
         * @param consumer the consumer that polled them
         * @param batch    the records
         * @param e        why
         */
        void failed(Consumer<?, ?> consumer, List<ConsumerRecord<String, String>> batch, RuntimeException e) {
            if (failures++ == 0) {
                LOG.warn("Replies of the outbound topic could not be stored ({}); trying again until the database answers", e.getMessage());
            }
            rewind(consumer, batch);
            pause(Math.min(maxMillis, firstMillis << Math.min(failures - 1, 16)));
        }
    }

    /**
     * Rewinds the partitions of a poll to its first records, so that the next poll reads them
     * again.
     *
     * @param consumer the consumer that polled them
     * @param batch    the records
     */
    static void rewind(Consumer<?, ?> consumer, List<ConsumerRecord<String, String>> batch) {
        Map<TopicPartition, Long> first = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : batch) {
            first.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
        }
        first.forEach(consumer::seek);
    }

    /**
     * Sleeps on a consumer's thread. An interrupt ends it early and stays set; the consumer's
     * wake-up, not the interrupt, is what stops it.
     *
     * @param millis how long; nothing when not positive
     */
    static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static @Nullable Reply unreadable(boolean report, String where, String why) {
        if (report) {
            LOG.warn("Outbound record {}: {}; skipped", where, why);
        } else {
            LOG.debug("Outbound record {}: {}; skipped", where, why);
        }
        return null;
    }
}
