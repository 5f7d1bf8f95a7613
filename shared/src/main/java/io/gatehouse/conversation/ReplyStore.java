package io.gatehouse.conversation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.opentelemetry.api.trace.Span;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.List;

/**
 * Stores every agent's reply of {@code conversation.outbound} for the history, whether or not any
 * instance saw it live: one consumer group shared by every instance
 * ({@code gateway.conversations.fan-out.store-group}), a poll's replies stored in one transaction
 * and its offsets committed only then, and a group with no offsets yet starts at the beginning of
 * the topic. Replies that arrive while no container runs wait on the topic and are stored when one
 * starts; a database that does not answer holds the partition until it does (the poll is tried
 * again every second, each attempt counted), so nothing is skipped for it. {@link ReplyFanOut}
 * stores the same replies on every instance to deliver them at once; this group lets a record
 * settle for a second first, so that it finds the row there rather than racing the live path for
 * it (whichever stores a reply first makes the one row).
 *
 * <p>The retry is the listener's own ({@link ReplyRecords.Retry}), not micronaut-kafka's error
 * strategy.
 *
 * <p>A record that cannot be read, names a session that does not exist, or holds a value the
 * database refuses to store, is logged and counted ({@code gatehouse_reply_store{outcome}}) and
 * skipped: retrying would never help, and it must not hold up the replies behind it.
 */
@KafkaListener(batch = true, groupId = "${" + ReplyFanOutConfiguration.PREFIX + ".store-group:" + ReplyFanOutConfiguration.DEFAULT_STORE_GROUP + "}",
    offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.SYNC)
@Requires(property = "kafka.bootstrap.servers")
@Requires(property = ReplyFanOutConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class ReplyStore {

    /** How old a record is before this group stores it, in milliseconds. */
    static final long SETTLE_MS = 1_000;

    private final ReplyRecords records;
    private final ConversationTracing tracing;
    private final String group;
    private final ReplyRecords.Outcomes outcomes;
    private final ConsumerLag lag;
    /** A second between attempts: the store group has no client waiting on it. */
    private final ReplyRecords.Retry retry = new ReplyRecords.Retry(1_000, 1_000);

    ReplyStore(ReplyRecords records, ConversationTracing tracing, ReplyFanOutConfiguration configuration, MeterRegistry registry) {
        this.records = records;
        this.tracing = tracing;
        this.group = configuration.getStoreGroup();
        this.outcomes = new ReplyRecords.Outcomes(registry, "gatehouse_reply_store",
            "Replies of the outbound topic stored for the history, by outcome");
        this.lag = new ConsumerLag(registry, "reply_store");
    }

    /**
     * A poll's records of the outbound topic, stored in one transaction. When the database
     * refuses, the partitions are rewound to the poll's first records and the listener returns a
     * second later: the next poll reads them again, for as long as it takes, and the offsets
     * committed after this call are the rewound ones, never past a reply not stored.
     *
     * @param batch    the records
     * @param consumer this listener's consumer, to rewind
     */
    @Topic("${gateway.conversations.outbound-topic:conversation.outbound}")
    void receive(List<ConsumerRecord<String, String>> batch, Consumer<?, ?> consumer) {
        settle(batch);
        List<Span> spans = tracing.consume(batch, "store", group);
        try {
            records.handle(batch, true, outcomes);
            retry.stored();
            ConversationTracing.end(spans, null);
        } catch (RuntimeException e) {
            ConversationTracing.end(spans, e);
            retry.failed(consumer, batch, e);
        }
        lag.measure(consumer);
    }

    /**
     * Waits until the youngest record of the poll is {@value #SETTLE_MS} ms old (by its timestamp,
     * at most that long whatever the producer's clock says): by then the live fan-out of every
     * running instance has stored it, and this group's insert finds it there instead of holding a
     * row that the live path, which clients wait on, would have to wait for.
     */
    private static void settle(List<ConsumerRecord<String, String>> batch) {
        long youngest = Long.MIN_VALUE;
        for (ConsumerRecord<String, String> record : batch) {
            youngest = Math.max(youngest, record.timestamp());
        }
        ReplyRecords.pause(Math.min(SETTLE_MS, youngest + SETTLE_MS - System.currentTimeMillis()));
    }
}
