package io.gatehouse.conversation;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Publishes to Kafka through {@link InboundClient}: the key is the session id (a session's events
 * stay in order on one partition), the value the event's JSON, the headers the W3C trace context,
 * the tenant, the request id and the event id.
 */
@Singleton
@Requires(property = "kafka.bootstrap.servers")
final class KafkaInboundPublisher implements InboundPublisher {

    private final InboundClient client;

    KafkaInboundPublisher(InboundClient client) {
        this.client = client;
    }

    @Override
    public CompletionStage<Void> publish(ConversationStore.OutboxRow row, Map<String, String> headers) {
        RecordHeaders record = new RecordHeaders();
        headers.forEach((name, value) -> record.add(name, value.getBytes(StandardCharsets.UTF_8)));
        try {
            return client.send(row.topic(), row.sessionId(), row.payload(), record).thenApply(metadata -> null);
        } catch (RuntimeException e) {
            // The producer refuses before sending (metadata not available within max.block.ms).
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public String name() {
        return "kafka";
    }
}
