package io.gatehouse.conversation;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The agents' replies as records of {@code conversation.outbound}: how one is read, and stored
 * once. Both consumers of the topic use it: {@link ReplyStore}, which stores every reply for the
 * history, and {@link ReplyFanOut}, which stores and hands it to this instance's streams.
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

    /**
     * A reply read from its record.
     *
     * @param sessionId its session
     * @param eventId   its event id
     * @param role      the agent's role
     * @param personaId the persona, or {@code null}
     * @param message   the text, or {@code null}
     * @param body      the event as history pages show it
     * @param now       when it was read, epoch millis
     */
    record Reply(String sessionId, String eventId, String role, @Nullable String personaId, @Nullable String message,
                 String body, long now) {
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
     * @param outcome what storing came to
     * @param event   the stored event when {@link Outcome#STORED}
     */
    record Stored(Outcome outcome, ConversationStore.@Nullable StoredEvent event) {
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

    /**
     * Stores a reply once: the unique {@code event_id} makes it one row whoever comes first.
     *
     * @param reply the reply
     * @return what came of it
     * @throws RuntimeException when the database does not answer
     */
    Stored store(Reply reply) {
        ConversationStore.StoredEvent event = store.storeReply(reply.sessionId(), reply.eventId(), reply.role(), reply.personaId(),
            reply.message(), reply.body(), reply.now());
        if (event == null) {
            return new Stored(Outcome.UNKNOWN_SESSION, null);
        }
        return ofSession(event, reply.sessionId()) ? new Stored(Outcome.STORED, event) : new Stored(Outcome.TAKEN, null);
    }

    /**
     * @param event     a stored event, as {@link ConversationStore#storeReply} answered it (the one
     *                  already stored under the reply's id, when there was one)
     * @param sessionId the session the reply names
     * @return whether the stored event is of that session
     */
    private boolean ofSession(ConversationStore.StoredEvent event, String sessionId) {
        try {
            Map<?, ?> body = json.readValue(event.body(), Map.class);
            return body != null && sessionId.equals(body.get("session_id"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
