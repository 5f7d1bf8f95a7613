package io.gatehouse.conversation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.configuration.kafka.annotation.ErrorStrategy;
import io.micronaut.configuration.kafka.annotation.ErrorStrategyValue;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.util.StringUtils;
import io.micronaut.json.JsonMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * Consumes the agents' replies from {@code conversation.outbound}
 * ({@code gateway.conversations.outbound-topic}), stores each once and hands it to this instance's
 * open streams of its session through the {@link SessionHub}.
 *
 * <p>Every instance consumes every record: the consumer group is the instance's own
 * ({@code uniqueGroupId}, deleted from the brokers when the instance stops), because a stream may be
 * open on any instance. Each instance stores the
 * reply ({@link ConversationStore#storeReply}: the unique {@code event_id} makes it one row whoever
 * comes first) and delivers the stored event to its own subscribers. A new or restarted instance
 * starts at the end of the topic ({@code latest}): what it did not see, its clients replay from
 * PostgreSQL with {@code Last-Event-ID}, never from Kafka.
 *
 * <p>A record: key the session id, value
 * {@code {"event_id", "session_id", "persona_id"?, "role"? (default assistant), "message", "metadata"?}}.
 * A record that cannot be read (not JSON, a field missing or of the wrong type, a key that is not
 * its session, an event id another session's event holds) is logged and counted
 * ({@code gatehouse_stream_replies{outcome="unreadable"}}) and skipped: it never stops the consumer.
 * A database that does not answer is tried again six times with exponential backoff (200 ms
 * doubling, about 13 s), each failure counted ({@code outcome="failed"}); then the record is
 * skipped on this instance.
 *
 * <p>Runs where Kafka is configured and a process stays up between requests: Lambda turns it off
 * ({@code gateway.conversations.fan-out.enabled: false}).
 */
@KafkaListener(groupId = "gatehouse-fan-out", uniqueGroupId = true, uniqueGroupIdDeleteOnShutdown = true, offsetReset = OffsetReset.LATEST,
    errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_EXPONENTIALLY_ON_ERROR, retryCount = 6, retryDelay = "200ms"))
@Requires(property = "kafka.bootstrap.servers")
@Requires(property = ReplyFanOutConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class ReplyFanOut extends FanOutConsumer {

    /** The role of a reply that names none. */
    static final String DEFAULT_ROLE = "assistant";

    private static final Logger LOG = LoggerFactory.getLogger(ReplyFanOut.class);

    private final ConversationStore store;
    private final SessionHub hub;
    private final JsonMapper json;
    private final Counter stored;
    private final Counter unreadable;
    private final Counter unknownSession;
    private final Counter failed;

    ReplyFanOut(ConversationStore store, SessionHub hub, JsonMapper json, MeterRegistry registry) {
        super(registry, "outbound");
        this.store = store;
        this.hub = hub;
        this.json = json;
        this.stored = replies(registry, "stored");
        this.unreadable = replies(registry, "unreadable");
        this.unknownSession = replies(registry, "unknown_session");
        this.failed = replies(registry, "failed");
    }

    private static Counter replies(MeterRegistry registry, String outcome) {
        return Counter.builder("gatehouse_stream_replies").description("Records consumed from the outbound topic, by outcome")
            .tag("outcome", outcome).register(registry);
    }

    /**
     * One record of the outbound topic.
     *
     * @param record the record
     */
    @Topic("${gateway.conversations.outbound-topic:conversation.outbound}")
    void receive(ConsumerRecord<String, String> record) {
        Reply reply = read(record);
        if (reply == null) {
            unreadable.increment();
            return;
        }
        ConversationStore.StoredEvent event;
        try {
            event = store.storeReply(reply.sessionId(), reply.eventId(), reply.role(), reply.personaId(), reply.message(),
                reply.body(), reply.now());
        } catch (RuntimeException e) {
            failed.increment();
            LOG.warn("Reply {} of session {} could not be stored ({}); retrying", reply.eventId(), reply.sessionId(), e.getMessage());
            throw e;
        }
        if (event == null) {
            unknownSession.increment();
            LOG.info("Reply {} names session {}, which does not exist; skipped", reply.eventId(), reply.sessionId());
            return;
        }
        if (!ofSession(event, reply.sessionId())) {
            // The event id is taken by an event of another session: never show that one here.
            unreadable.increment();
            LOG.warn("Reply {} names session {}, but that event id belongs to another session; skipped", reply.eventId(), reply.sessionId());
            return;
        }
        stored.increment();
        hub.publish(reply.sessionId(), event);
    }

    private record Reply(String sessionId, String eventId, String role, @Nullable String personaId, @Nullable String message,
                         String body, long now) {
    }

    private @Nullable Reply read(ConsumerRecord<String, String> record) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (record.value() == null) {
            LOG.warn("Outbound record {} has no value; skipped", where);
            return null;
        }
        Map<?, ?> value;
        try {
            value = json.readValue(record.value(), Map.class);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Outbound record {} is not a JSON object; skipped: {}", where, e.getMessage());
            return null;
        }
        if (value == null) {
            LOG.warn("Outbound record {} is not a JSON object; skipped", where);
            return null;
        }
        String eventId = text(value, "event_id", true, where);
        String sessionId = text(value, "session_id", true, where);
        String personaId = text(value, "persona_id", false, where);
        String role = text(value, "role", false, where);
        String message = text(value, "message", false, where);
        Object metadata = value.get("metadata");
        if (eventId == null || sessionId == null || (value.get("persona_id") != null && personaId == null)
            || (value.get("role") != null && role == null) || (value.get("message") != null && message == null)) {
            return null;
        }
        if (!Ids.plausible(eventId) || !Ids.plausible(sessionId)) {
            LOG.warn("Outbound record {}: event_id and session_id must be 3-64 letters, digits, '.', '_' or '-'; skipped", where);
            return null;
        }
        if (record.key() != null && !record.key().equals(sessionId)) {
            LOG.warn("Outbound record {}: its key {} is not its session_id {}; skipped", where, record.key(), sessionId);
            return null;
        }
        if (metadata != null && !(metadata instanceof Map<?, ?>)) {
            LOG.warn("Outbound record {}: metadata must be an object; skipped", where);
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = metadata == null ? Map.of() : (Map<String, Object>) metadata;
        long now = System.currentTimeMillis();
        ConversationModels.Event event = new ConversationModels.Event(eventId, sessionId, personaId, role == null ? DEFAULT_ROLE : role,
            "reply", message, null, null, null, meta, Instant.ofEpochMilli(now).toString());
        try {
            return new Reply(sessionId, eventId, event.role(), personaId, message, json.writeValueAsString(event), now);
        } catch (IOException e) {
            LOG.warn("Outbound record {} cannot be written as an event; skipped: {}", where, e.getMessage());
            return null;
        }
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

    private static @Nullable String text(Map<?, ?> value, String field, boolean required, String where) {
        Object v = value.get(field);
        if (v instanceof String s && !s.isBlank()) {
            return s;
        }
        if (v != null || required) {
            LOG.warn("Outbound record {}: {} must be a non-empty string; skipped", where, field);
        }
        return null;
    }
}
