package io.gatehouse.conversation;

import io.micronaut.core.annotation.Nullable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one stream has delivered, to drop a live event the replay already carried (stored around
 * the moment the stream subscribed to the hub, so it is in both) or a repeat (a record the fan-out
 * received twice), while never dropping an event the client has not had.
 *
 * <p>It remembers the ids of the last events it let through, a fixed number. A live event is
 * dropped when it is remembered, or when it is no newer than the replay and older than every
 * event still remembered (the replay carried it: an event stored long before the stream opened
 * cannot be new to it). A live event no newer than the replay but not remembered otherwise is one
 * a concurrent transaction stored late, after the replay was read: it is delivered, out of order
 * rather than never.
 *
 * <p>The replay and the live events are delivered one after the other, never at once; the methods
 * are synchronized because they run on different threads.
 */
final class DeliveredEvents {

    private final int remembered;
    /** Created with the first event: most streams are idle, and an empty map costs each one its heap. */
    private @Nullable Map<String, Long> recent;
    private long replayedTo;
    private long forgottenBelow;

    /**
     * @param remembered how many event ids to remember
     */
    DeliveredEvents(int remembered) {
        this.remembered = remembered;
    }

    /**
     * A stream without a replay starts after this position: a live event no newer is dropped.
     *
     * @param seq the position of the session's last event when the stream opened (0 for none)
     */
    synchronized void openedAfter(long seq) {
        replayedTo = Math.max(replayedTo, seq);
        forgottenBelow = Math.max(forgottenBelow, seq + 1);
    }

    /**
     * @param event an event of the replay, about to be sent
     */
    synchronized void replayed(ConversationStore.StoredEvent event) {
        replayedTo = Math.max(replayedTo, event.seq());
        remember(event);
    }

    /**
     * @param event a live event from the hub
     * @return whether to send it (and it is remembered as sent)
     */
    synchronized boolean fresh(ConversationStore.StoredEvent event) {
        if (recent != null && recent.containsKey(event.eventId())) {
            return false;
        }
        if (event.seq() <= replayedTo && event.seq() < forgottenBelow) {
            return false;
        }
        remember(event);
        return true;
    }

    private void remember(ConversationStore.StoredEvent event) {
        if (recent == null) {
            recent = new LinkedHashMap<>(remembered * 2, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > DeliveredEvents.this.remembered;
                }
            };
        }
        if (recent.size() == remembered && !recent.containsKey(event.eventId())) {
            forgottenBelow = Math.max(forgottenBelow, recent.values().iterator().next() + 1);
        }
        recent.put(event.eventId(), event.seq());
    }
}
