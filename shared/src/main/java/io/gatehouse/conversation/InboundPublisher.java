package io.gatehouse.conversation;

import java.util.concurrent.CompletionStage;

/**
 * Where the relay publishes accepted messages: Kafka ({@link KafkaInboundPublisher}) when
 * {@code kafka.bootstrap.servers} is configured, the in-process bus ({@link LocalBus}) otherwise.
 */
public interface InboundPublisher {

    /**
     * Publishes one outbox row. The stage completes when the record is durable (Kafka: acknowledged
     * by all in-sync replicas) and fails otherwise; the row stays in the outbox until it completes.
     *
     * @param row the row
     * @param headers the record's headers, the outbox's with the publish span's trace context
     * @return the publish
     */
    CompletionStage<Void> publish(ConversationStore.OutboxRow row, java.util.Map<String, String> headers);

    /**
     * @return {@code kafka} or {@code local}
     */
    String name();
}
