package io.gatehouse.conversation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores every agent's reply of {@code conversation.outbound} for the history, whether or not any
 * instance saw it live: one consumer group shared by every instance
 * ({@code gateway.conversations.fan-out.store-group}), a poll's replies stored in one transaction
 * and its offsets committed by this class only then, and a group with no offsets yet starts at the
 * beginning of the topic. Replies that arrive while no container runs wait on the topic and are
 * stored when one starts. When the database refuses, the consumer is moved back to the poll's
 * first records and they come again a second later, for as long as it takes: nothing is committed
 * past them, so nothing is skipped for an outage, and the listener returns each time, so the
 * instance still stops promptly. (micronaut-kafka's own retry of a batch listener fails with a
 * NullPointerException on a partition without a committed offset, so it is not used.)
 * {@link ReplyFanOut} stores the same replies on every instance to deliver them at once; this
 * group lets a record settle for a second first, so that it finds the row there rather than
 * racing the live path for it (whichever stores a reply first makes the one row).
 *
 * <p>A record that cannot be read, or names a session that does not exist, is logged and counted
 * ({@code gatehouse_reply_store{outcome}}) and skipped: retrying would never help.
 */
@KafkaListener(batch = true, groupId = "${" + ReplyFanOutConfiguration.PREFIX + ".store-group:" + ReplyFanOutConfiguration.DEFAULT_STORE_GROUP + "}",
    offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED)
@Requires(property = "kafka.bootstrap.servers")
@Requires(property = ReplyFanOutConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class ReplyStore {

    /** How old a record is before this group stores it, in milliseconds. */
    static final long SETTLE_MS = 1_000;

    /** How long a poll refused by the database waits before its records come again. */
    static final long RETRY_MS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(ReplyStore.class);

    private final ReplyRecords records;
    private final ReplyRecords.Outcomes outcomes;

    ReplyStore(ReplyRecords records, MeterRegistry registry) {
        this.records = records;
        this.outcomes = new ReplyRecords.Outcomes(registry, "gatehouse_reply_store",
            "Replies of the outbound topic stored for the history, by outcome");
    }

    /**
     * A poll's records of the outbound topic, stored in one transaction, then committed.
     *
     * @param batch    the records
     * @param consumer the group's consumer, to commit or to move back
     */
    @Topic("${gateway.conversations.outbound-topic:conversation.outbound}")
    void receive(List<ConsumerRecord<String, String>> batch, Consumer<?, ?> consumer) {
        if (batch.isEmpty()) {
            return;
        }
        settle(batch);
        try {
            records.handle(batch, true, outcomes);
        } catch (RuntimeException e) {
            // Counted and logged by handle. The records come again: nothing past them is committed.
            rewind(batch, consumer);
            pause(RETRY_MS);
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (ConsumerRecord<String, String> record : batch) {
            next.merge(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1),
                (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        try {
            consumer.commitSync(next);
        } catch (WakeupException | InterruptException e) {
            // The consumer is closing: its poll loop must see this, or the instance never stops.
            throw e;
        } catch (KafkaException e) {
            // A rebalance took the partitions: whoever has them now stores the records again, which
            // changes nothing.
            LOG.info("Stored replies' offsets could not be committed ({}); they may be stored again", e.getMessage());
        }
    }

    /** Moves each partition of the poll back to its first record of it. */
    private static void rewind(List<ConsumerRecord<String, String>> batch, Consumer<?, ?> consumer) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<String, String> record : batch) {
            first.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
        }
        try {
            first.forEach(consumer::seek);
        } catch (IllegalStateException e) {
            // The partitions were taken: their next owner starts at the last committed offset.
            LOG.info("Could not move back to unstored replies ({}); their next consumer reads them", e.getMessage());
        }
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
        pause(Math.min(SETTLE_MS, youngest + SETTLE_MS - System.currentTimeMillis()));
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // Stopping: go on at once.
            Thread.currentThread().interrupt();
        }
    }
}
