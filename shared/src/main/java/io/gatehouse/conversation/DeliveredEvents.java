package io.gatehouse.conversation;

import io.micronaut.core.annotation.Nullable;

/**
 * What one stream has delivered, to drop a live event the replay already carried (stored around
 * the moment the stream subscribed to the hub, so it is in both) or a repeat (a record the fan-out
 * received twice), while never dropping an event the client has not had.
 *
 * <p>It remembers the last events it let through, a fixed number, by their position ({@code seq}),
 * which is one event's alone as its id is: a ring of numbers, so that a delivery allocates nothing
 * (with thousands of streams, a map entry per stream per event outlived young collections and made
 * them long). A live event is
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
    /** The positions remembered, oldest at {@link #next} once full; created with the first event (most streams are idle). */
    private long @Nullable [] recent;
    private int next;
    private int count;
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
        if (remembers(event.seq())) {
            return false;
        }
        if (event.seq() <= replayedTo && event.seq() < forgottenBelow) {
            return false;
        }
        remember(event);
        return true;
    }

    private boolean remembers(long seq) {
        for (int i = 0; i < count; i++) {
            if (recent[i] == seq) {
                return true;
            }
        }
        return false;
    }

    private void remember(ConversationStore.StoredEvent event) {
        long seq = event.seq();
        if (remembers(seq)) {
            return;
        }
        if (recent == null) {
            recent = new long[remembered];
        }
        if (count == remembered) {
            forgottenBelow = Math.max(forgottenBelow, recent[next] + 1);
        } else {
            count++;
        }
        recent[next] = seq;
        next = (next + 1) % remembered;
    }
}
