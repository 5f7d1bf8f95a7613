package io.gatehouse.conversation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.configuration.kafka.annotation.ErrorStrategy;
import io.micronaut.configuration.kafka.annotation.ErrorStrategyValue;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>A record that cannot be read is counted ({@code gatehouse_stream_replies{outcome="unreadable"}})
 * and skipped: it never stops the consumer ({@link ReplyStore} logs it). A database that does not
 * answer is tried again six times with exponential backoff (200 ms doubling, about 13 s), each
 * failure counted ({@code outcome="failed"}); then the record is skipped on this instance, and
 * the stream misses it live (a reconnect replays it).
 *
 * <p>Runs where Kafka is configured and a process stays up between requests: Lambda turns it off
 * ({@code gateway.conversations.fan-out.enabled: false}).
 */
@KafkaListener(groupId = "gatehouse-fan-out", uniqueGroupId = true, uniqueGroupIdDeleteOnShutdown = true, offsetReset = OffsetReset.LATEST,
    errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_EXPONENTIALLY_ON_ERROR, retryCount = 6, retryDelay = "200ms"))
@Requires(property = "kafka.bootstrap.servers")
@Requires(property = ReplyFanOutConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class ReplyFanOut extends FanOutConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyFanOut.class);

    private final ReplyRecords records;
    private final SessionHub hub;
    private final Counter stored;
    private final Counter unreadable;
    private final Counter unknownSession;
    private final Counter failed;

    ReplyFanOut(ReplyRecords records, SessionHub hub, MeterRegistry registry) {
        super(registry, "outbound");
        this.records = records;
        this.hub = hub;
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
        ReplyRecords.Reply reply = records.read(record, false);
        if (reply == null) {
            unreadable.increment();
            return;
        }
        ReplyRecords.Stored stored;
        try {
            stored = records.store(reply);
        } catch (RuntimeException e) {
            failed.increment();
            LOG.warn("Reply {} of session {} could not be stored ({}); retrying", reply.eventId(), reply.sessionId(), e.getMessage());
            throw e;
        }
        switch (stored.outcome()) {
            case UNKNOWN_SESSION -> unknownSession.increment();
            // The event id is taken by an event of another session: never show that one here.
            case TAKEN -> unreadable.increment();
            case STORED -> {
                this.stored.increment();
                hub.publish(reply.sessionId(), stored.event());
            }
        }
    }
}
