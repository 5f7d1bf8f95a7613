package io.gatehouse.conversation;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The bus of the embedded default (no {@code kafka.bootstrap.servers}): nothing leaves the process,
 * so a publish is acknowledged at once. On one node the outbox row is the durable record, and this
 * instance's streams already have the event: the intake hands it to the {@link SessionHub} itself.
 */
@Singleton
@Requires(missingProperty = "kafka.bootstrap.servers")
final class LocalBus implements InboundPublisher {

    @Override
    public CompletionStage<Void> publish(ConversationStore.OutboxRow row, Map<String, String> headers) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String name() {
        return "local";
    }
}
