package io.gatehouse.conversation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The in-process hub of live session events on one gateway instance: a stream subscribes to its
 * session, and every stored event of that session this instance learns of (a reply consumed from
 * {@code conversation.outbound} by {@link ReplyFanOut}, a message or action accepted by this
 * instance's intake) is handed to each subscriber. It holds no events: a subscriber that was not
 * there misses nothing it cannot read back from PostgreSQL, which is how a stream replays.
 *
 * <p>Delivery is synchronous on the publisher's thread (the Kafka listener, a request thread), so
 * a subscriber must never block: a stream only offers the event to its own bounded buffer.
 */
@Singleton
public class SessionHub {

    private static final Logger LOG = LoggerFactory.getLogger(SessionHub.class);

    private final ConcurrentHashMap<String, Set<Consumer<ConversationStore.StoredEvent>>> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();

    SessionHub(MeterRegistry registry) {
        Gauge.builder("gatehouse_stream_subscribers", subscribers, AtomicInteger::get)
            .description("Live session streams open on this instance").register(registry);
    }

    /**
     * A subscription; closing it stops delivery.
     */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        /**
         * Stops delivery to this subscriber; closing twice is closing once.
         */
        @Override
        void close();
    }

    /**
     * @param sessionId the session
     * @param listener  called with each event of the session published from now on; must not block
     * @return the subscription, to close when the stream ends
     */
    public Subscription subscribe(String sessionId, Consumer<ConversationStore.StoredEvent> listener) {
        sessions.compute(sessionId, (id, set) -> {
            Set<Consumer<ConversationStore.StoredEvent>> listeners = set != null ? set : ConcurrentHashMap.newKeySet();
            listeners.add(listener);
            return listeners;
        });
        subscribers.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            subscribers.decrementAndGet();
            sessions.computeIfPresent(sessionId, (id, listeners) -> {
                listeners.remove(listener);
                return listeners.isEmpty() ? null : listeners;
            });
        };
    }

    /**
     * @param sessionId a session
     * @return whether a stream of it is open on this instance (so that a publisher can skip reading
     *         the event back when nobody listens)
     */
    public boolean hasSubscribers(String sessionId) {
        return sessions.containsKey(sessionId);
    }

    /**
     * Hands a stored event to the subscribers of its session on this instance. A subscriber that
     * throws is logged and does not keep the event from the others.
     *
     * @param sessionId the session
     * @param event     the stored event
     */
    public void publish(String sessionId, ConversationStore.StoredEvent event) {
        Set<Consumer<ConversationStore.StoredEvent>> listeners = sessions.get(sessionId);
        if (listeners == null) {
            return;
        }
        for (Consumer<ConversationStore.StoredEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("A stream of session {} failed on event {}", sessionId, event.eventId(), e);
            }
        }
    }
}
