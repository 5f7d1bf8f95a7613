package io.gatehouse.conversation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.configuration.kafka.annotation.ErrorStrategy;
import io.micronaut.configuration.kafka.annotation.ErrorStrategyValue;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores every agent's reply of {@code conversation.outbound} for the history, whether or not any
 * instance saw it live: one consumer group shared by every instance
 * ({@code gateway.conversations.fan-out.store-group}), offsets committed only once the replies of a
 * poll are stored, and a group with no offsets yet starts at the beginning of the topic. Replies
 * that arrive while no container runs wait on the topic and are stored when one starts; a database
 * that does not answer holds the partition until it does (the record is tried again every second,
 * each attempt counted), so nothing is skipped for it. {@link ReplyFanOut} stores the same replies on every
 * instance to deliver them at once; whichever stores a reply first makes the one row.
 *
 * <p>A record that cannot be read, or names a session that does not exist, is logged and counted
 * ({@code gatehouse_reply_store{outcome}}) and skipped: retrying would never help.
 */
@KafkaListener(groupId = "${" + ReplyFanOutConfiguration.PREFIX + ".store-group:" + ReplyFanOutConfiguration.DEFAULT_STORE_GROUP + "}",
    offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.SYNC,
    errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_ON_ERROR, retryCount = Integer.MAX_VALUE, retryDelay = "1s"))
@Requires(property = "kafka.bootstrap.servers")
@Requires(property = ReplyFanOutConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class ReplyStore {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyStore.class);

    private final ReplyRecords records;
    private final Counter stored;
    private final Counter unreadable;
    private final Counter unknownSession;
    private final Counter failed;

    ReplyStore(ReplyRecords records, MeterRegistry registry) {
        this.records = records;
        this.stored = outcome(registry, "stored");
        this.unreadable = outcome(registry, "unreadable");
        this.unknownSession = outcome(registry, "unknown_session");
        this.failed = outcome(registry, "failed");
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("gatehouse_reply_store").description("Replies of the outbound topic stored for the history, by outcome")
            .tag("outcome", outcome).register(registry);
    }

    /**
     * One record of the outbound topic: returns once the reply is stored (or cannot ever be).
     *
     * @param record the record
     */
    @Topic("${gateway.conversations.outbound-topic:conversation.outbound}")
    void receive(ConsumerRecord<String, String> record) {
        ReplyRecords.Reply reply = records.read(record, true);
        if (reply == null) {
            unreadable.increment();
            return;
        }
        ReplyRecords.Stored result;
        try {
            result = records.store(reply);
        } catch (RuntimeException e) {
            // The consumer seeks back to this record and tries it again a second later, for as
            // long as it takes; nothing after it is committed meanwhile.
            failed.increment();
            LOG.warn("Reply {} of session {} could not be stored ({}); trying again", reply.eventId(), reply.sessionId(), e.getMessage());
            throw e;
        }
        switch (result.outcome()) {
            case STORED -> stored.increment();
            case UNKNOWN_SESSION -> {
                unknownSession.increment();
                LOG.info("Reply {} names session {}, which does not exist; skipped", reply.eventId(), reply.sessionId());
            }
            case TAKEN -> {
                unreadable.increment();
                LOG.warn("Reply {} names session {}, but that event id belongs to another session; skipped", reply.eventId(),
                    reply.sessionId());
            }
        }
    }
}
