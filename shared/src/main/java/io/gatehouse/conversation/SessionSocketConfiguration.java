package io.gatehouse.conversation;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * The session WebSocket, {@code gateway.conversations.websocket.*} (the container's
 * {@code /v1/session/{id}/stream}); its heartbeat and the buffer of a subscription's live events
 * while it replays are {@link ConversationConfiguration}'s. See {@code docs/streams.md}.
 */
@ConfigurationProperties(SessionSocketConfiguration.PREFIX)
public class SessionSocketConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = ConversationConfiguration.PREFIX + ".websocket";

    /** Whether the container serves the session WebSocket by default. */
    public static final boolean DEFAULT_ENABLED = true;

    /** How many outbound frames one connection may have waiting for its client by default. */
    public static final int DEFAULT_MAX_PENDING = 1024;

    /** How many sessions one connection may follow at once by default. */
    public static final int DEFAULT_MAX_SUBSCRIPTIONS = 16;

    private boolean enabled = DEFAULT_ENABLED;
    private int maxPending = DEFAULT_MAX_PENDING;
    private int maxSubscriptions = DEFAULT_MAX_SUBSCRIPTIONS;

    /**
     * Whether the container answers {@code GET /v1/session/{id}/stream} with a WebSocket upgrade.
     * Default {@value #DEFAULT_ENABLED}; Lambda has no WebSocket endpoint whatever this says.
     *
     * @return whether the WebSocket is on
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether the WebSocket is on
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The most outbound frames (events, acks, errors) one connection holds for a client that reads
     * slower than they arrive, beyond the few handed to the network; one more and the connection is
     * closed with 1013 (try again later), so a slow reader never makes the heap grow. Default
     * {@value #DEFAULT_MAX_PENDING}.
     *
     * @return the number of frames
     */
    public int getMaxPending() {
        return maxPending;
    }

    /**
     * @param maxPending the number of frames
     */
    public void setMaxPending(int maxPending) {
        this.maxPending = maxPending;
    }

    /**
     * The most sessions one connection follows at once (the path's session and those added with
     * {@code subscribe}); a {@code subscribe} beyond it is refused with an error frame. Default
     * {@value #DEFAULT_MAX_SUBSCRIPTIONS}.
     *
     * @return the number of sessions
     */
    public int getMaxSubscriptions() {
        return maxSubscriptions;
    }

    /**
     * @param maxSubscriptions the number of sessions
     */
    public void setMaxSubscriptions(int maxSubscriptions) {
        this.maxSubscriptions = maxSubscriptions;
    }
}
