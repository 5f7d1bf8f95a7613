package io.gatehouse.conversation;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The in-process bus of the embedded default (no {@code kafka.bootstrap.servers}): a published
 * message goes to the listeners registered in this process, such as the embedded echo agent
 * ({@code gateway.conversations.echo-agent}). Nothing leaves the process, and a listener that throws
 * does not fail the publish (it is logged): on one node with no broker, the outbox row is the
 * durable record and the bus only delivers.
 */
@Singleton
@Requires(missingProperty = "kafka.bootstrap.servers")
public final class LocalBus implements InboundPublisher {

    private final List<BiConsumer<ConversationStore.OutboxRow, Map<String, String>>> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param listener called with every published row and its headers, on the relay's thread
     */
    public void subscribe(BiConsumer<ConversationStore.OutboxRow, Map<String, String>> listener) {
        listeners.add(listener);
    }

    @Override
    public CompletionStage<Void> publish(ConversationStore.OutboxRow row, Map<String, String> headers) {
        for (BiConsumer<ConversationStore.OutboxRow, Map<String, String>> listener : listeners) {
            try {
                listener.accept(row, headers);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(LocalBus.class).warn("A local bus listener failed on event {}", row.eventId(), e);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String name() {
        return "local";
    }
}
