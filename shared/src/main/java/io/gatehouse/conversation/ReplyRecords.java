package io.gatehouse.conversation;

import io.gatehouse.conversation.ConversationStore.Reply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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
 * retried.
 */
@Singleton
@Requires(property = "kafka.bootstrap.servers")
final class ReplyRecords {

    /** The role of a reply that names none. */
    static final String DEFAULT_ROLE = "assistant";

    private static final Logger LOG = LoggerFactory.getLogger(ReplyRecords.class);
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
        TAKEN
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
     * @throws RuntimeException when the database does not answer (counted as {@code failed})
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
        try {
            stored = store.storeReplies(replies);
        } catch (RuntimeException e) {
            outcomes.failed.increment();
            LOG.warn("{} replies could not be stored ({}); trying again", replies.size(), e.getMessage());
            throw e;
        }
        List<Stored> results = new ArrayList<>(replies.size());
        for (Reply reply : replies) {
            ConversationStore.StoredReply row = stored.get(reply.eventId());
            Stored result;
            if (row == null) {
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

    private static @Nullable Reply unreadable(boolean report, String where, String why) {
        if (report) {
            LOG.warn("Outbound record {}: {}; skipped", where, why);
        } else {
            LOG.debug("Outbound record {}: {}; skipped", where, why);
        }
        return null;
    }
}
