package io.gatehouse.conversation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
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
 * is tried again three times, 200, 400 and 800 ms apart, each failure counted
 * ({@code outcome="failed"}); then its records are skipped on this instance, and the streams miss
 * them live (a reconnect replays them once {@link ReplyStore} stored them). The retries are the
 * listener's own: micronaut-kafka's retry of a batch listener fails with a NullPointerException on
 * a partition without a committed offset.
 *
 * <p>Runs where Kafka is configured and a process stays up between requests: Lambda turns it off
 * ({@code gateway.conversations.fan-out.enabled: false}).
 */
@KafkaListener(groupId = "gatehouse-fan-out", batch = true, uniqueGroupId = true, uniqueGroupIdDeleteOnShutdown = true,
    offsetReset = OffsetReset.LATEST)
@Requires(property = "kafka.bootstrap.servers")
@Requires(property = ReplyFanOutConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class ReplyFanOut extends FanOutConsumer {

    /** How often a poll the database refused is tried again, and the first wait (doubling). */
    private static final int RETRIES = 3;
    private static final long FIRST_RETRY_MS = 200;

    private final ReplyRecords records;
    private final SessionHub hub;
    private final ReplyRecords.Outcomes outcomes;

    ReplyFanOut(ReplyRecords records, SessionHub hub, MeterRegistry registry) {
        super(registry, "outbound");
        this.records = records;
        this.hub = hub;
        this.outcomes = new ReplyRecords.Outcomes(registry, "gatehouse_stream_replies", "Records consumed from the outbound topic, by outcome");
    }

    /**
     * A poll's records of the outbound topic: stored in one transaction, then handed to this
     * instance's streams in the order of the records.
     *
     * @param batch the records
     */
    @Topic("${gateway.conversations.outbound-topic:conversation.outbound}")
    void receive(List<ConsumerRecord<String, String>> batch) {
        List<ReplyRecords.Stored> results = null;
        for (int attempt = 0; results == null; attempt++) {
            try {
                results = records.handle(batch, false, outcomes);
            } catch (RuntimeException e) {
                // Counted and logged by handle. The store group keeps them whatever happens here.
                if (attempt == RETRIES) {
                    return;
                }
                try {
                    Thread.sleep(FIRST_RETRY_MS << attempt);
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        for (ReplyRecords.Stored stored : results) {
            if (stored.outcome() == ReplyRecords.Outcome.STORED) {
                hub.publish(stored.reply().sessionId(), stored.event());
            }
        }
    }
}
