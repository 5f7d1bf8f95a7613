package io.gatehouse.conversation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    private final ConcurrentHashMap<String, Set<Listener>> sessions = new ConcurrentHashMap<>();
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
        Listener subscription = new Listener(sessionId, listener);
        sessions.compute(sessionId, (id, set) -> {
            Set<Listener> listeners = set != null ? set : ConcurrentHashMap.newKeySet();
            listeners.add(subscription);
            return listeners;
        });
        subscribers.incrementAndGet();
        return subscription;
    }

    /**
     * A subscriber and its subscription in one object: an idle stream holds this and an entry of
     * its session's set, nothing more.
     */
    private final class Listener implements Subscription {

        private final String sessionId;
        private final Consumer<ConversationStore.StoredEvent> consumer;
        private boolean closed;

        Listener(String sessionId, Consumer<ConversationStore.StoredEvent> consumer) {
            this.sessionId = sessionId;
            this.consumer = consumer;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            subscribers.decrementAndGet();
            sessions.computeIfPresent(sessionId, (id, listeners) -> {
                listeners.remove(this);
                return listeners.isEmpty() ? null : listeners;
            });
        }
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
        Set<Listener> listeners = sessions.get(sessionId);
        if (listeners == null) {
            return;
        }
        for (Listener listener : listeners) {
            try {
                listener.consumer.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("A stream of session {} failed on event {}", sessionId, event.eventId(), e);
            }
        }
    }
}
