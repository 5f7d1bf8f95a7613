package io.gatehouse.conversation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.opentelemetry.api.trace.Span;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.List;

/**
 * Consumes the agents' replies from {@code conversation.outbound}
 * ({@code gateway.conversations.outbound-topic}) live on every instance, stores each once and hands
 * it to this instance's open streams of its session through the {@link SessionHub}.
 *
 * <p>Every instance consumes every record: the consumer group is the instance's own
 * ({@code uniqueGroupId}, deleted from the brokers when the instance stops), because a stream may be
 * open on any instance. Each instance stores the reply ({@link ReplyRecords#store}: the unique
 * {@code event_id} makes it one row whoever comes first) and delivers the stored event to its own
 * subscribers. A new or restarted instance starts at the end of the topic ({@code latest}): what it
 * did not see, its clients replay from PostgreSQL with {@code Last-Event-ID}, never from Kafka.
 * What no instance saw live (none was running, or the database refused for longer than this
 * consumer retries), {@link ReplyStore}'s shared group stores.
 *
 * <p>A poll's records are stored in one transaction ({@link ReplyRecords#handle}). A record that
 * cannot be read is counted ({@code gatehouse_stream_replies{outcome="unreadable"}}) and skipped: it
 * never stops the consumer ({@link ReplyStore} logs it). A database that does not answer: the poll
 * is tried again ({@link ReplyRecords.Retry}: 200 ms, doubling up to a second between attempts,
 * each failure counted as {@code outcome="failed"}) until it answers, and the streams then get the
 * replies of the outage in order.
 *
 * <p>Runs where Kafka is configured and a process stays up between requests: Lambda turns it off
 * ({@code gateway.conversations.fan-out.enabled: false}).
 */
@KafkaListener(groupId = ReplyFanOut.GROUP, batch = true, uniqueGroupId = true, uniqueGroupIdDeleteOnShutdown = true, offsetReset = OffsetReset.LATEST)
@Requires(property = "kafka.bootstrap.servers")
@Requires(property = ReplyFanOutConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class ReplyFanOut extends FanOutConsumer {

    /** The consumer group's name before micronaut-kafka makes it the instance's own. */
    static final String GROUP = "gatehouse-fan-out";

    private final ReplyRecords records;
    private final ConversationTracing tracing;
    private final SessionHub hub;
    private final ReplyRecords.Outcomes outcomes;
    private final ConsumerLag lag;
    private final ReplyRecords.Retry retry = new ReplyRecords.Retry(200, 1_000);

    ReplyFanOut(ReplyRecords records, SessionHub hub, ConversationTracing tracing, MeterRegistry registry) {
        super(registry, "outbound");
        this.records = records;
        this.tracing = tracing;
        this.hub = hub;
        this.outcomes = new ReplyRecords.Outcomes(registry, "gatehouse_stream_replies", "Records consumed from the outbound topic, by outcome");
        this.lag = new ConsumerLag(registry, "reply_fan_out");
    }

    /**
     * A poll's records of the outbound topic: stored in one transaction, then handed to this
     * instance's streams in the order of the records.
     *
     * @param batch    the records
     * @param consumer this listener's consumer, to rewind when the database did not store them
     */
    @Topic("${gateway.conversations.outbound-topic:conversation.outbound}")
    void receive(List<ConsumerRecord<String, String>> batch, Consumer<?, ?> consumer) {
        List<Span> spans = tracing.consume(batch, "deliver", GROUP);
        List<ReplyRecords.Stored> handled = null;
        try {
            handled = records.handle(batch, false, outcomes);
            retry.stored();
        } catch (RuntimeException e) {
            ConversationTracing.end(spans, e);
            retry.failed(consumer, batch, e);
        }
        lag.measure(consumer);
        if (handled == null) {
            return;
        }
        try {
            for (ReplyRecords.Stored stored : handled) {
                if (stored.outcome() == ReplyRecords.Outcome.STORED) {
                    hub.publish(stored.reply().sessionId(), stored.event());
                }
            }
        } finally {
            ConversationTracing.end(spans, null);
        }
    }
}
