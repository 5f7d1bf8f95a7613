package io.gatehouse.conversation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Brings the callers' own messages and actions to the streams on every instance: the intake hands
 * an accepted event to the streams of the instance that took it ({@link ConversationService}),
 * and this consumer of {@code conversation.inbound} ({@code gateway.conversations.inbound-topic})
 * hands it to the streams of the others. Nothing is stored here (the intake stored the event before
 * the relay published it): for a record whose session (the key) has a stream open on this
 * instance, the event named by the record's {@code event_id} header is read back from the database,
 * and only as an event of that session; the instance that took it drops the repeat
 * ({@link DeliveredEvents}).
 *
 * <p>A consumer group of its own per instance, from the end of the topic, like {@link ReplyFanOut}
 * and switched with it ({@code gateway.conversations.fan-out.enabled}). A record it cannot use is
 * skipped; a database that does not answer costs only the live copy, which a reconnect replays.
 */
@KafkaListener(groupId = InboundFanOut.GROUP, uniqueGroupId = true, uniqueGroupIdDeleteOnShutdown = true,
    offsetReset = OffsetReset.LATEST)
@Requires(property = "kafka.bootstrap.servers")
@Requires(property = ReplyFanOutConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class InboundFanOut extends FanOutConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(InboundFanOut.class);

    /** The consumer group's name before micronaut-kafka makes it the instance's own. */
    static final String GROUP = "gatehouse-inbound-fan-out";

    private final ConversationStore store;
    private final SessionHub hub;
    private final ConversationTracing tracing;
    private final ConsumerLag lag;

    InboundFanOut(ConversationStore store, SessionHub hub, ConversationTracing tracing, MeterRegistry registry) {
        super(registry, "inbound");
        this.store = store;
        this.hub = hub;
        this.tracing = tracing;
        this.lag = new ConsumerLag(registry, "inbound_fan_out");
    }

    /**
     * One record of the inbound topic, as the relay published it: key the session, header
     * {@code event_id} the event.
     *
     * @param record   the record
     * @param consumer this listener's consumer, whose lag is read
     */
    @Topic("${gateway.conversations.inbound-topic:conversation.inbound}")
    void receive(ConsumerRecord<String, String> record, Consumer<?, ?> consumer) {
        lag.measure(consumer);
        String sessionId = record.key();
        if (sessionId == null || !hub.hasSubscribers(sessionId)) {
            return;
        }
        Header header = record.headers().lastHeader("event_id");
        if (header == null || header.value() == null) {
            return;
        }
        String eventId = new String(header.value(), StandardCharsets.UTF_8);
        Span span = tracing.consume(record, "deliver", GROUP);
        try (Scope ignored = span.makeCurrent()) {
            ConversationStore.StoredEvent event = store.event(sessionId, eventId);
            if (event != null) {
                hub.publish(sessionId, event);
            }
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            LOG.warn("Event {} of session {} was not handed to this instance's streams: {}", eventId, sessionId, e.getMessage());
        } finally {
            span.end();
        }
    }
}
