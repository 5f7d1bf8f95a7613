package io.gatehouse.conversation;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * The switch of session streams, {@code gateway.conversations.stream.*}; their heartbeat and
 * buffer are {@link ConversationConfiguration}'s. See {@code docs/streams.md}.
 */
@ConfigurationProperties(SessionStreamsConfiguration.PREFIX)
public class SessionStreamsConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = ConversationConfiguration.PREFIX + ".stream";

    /** Whether streams are served by default ({@code application-lambda.yml} turns them off). */
    public static final boolean DEFAULT_ENABLED = true;

    private boolean enabled = DEFAULT_ENABLED;

    /**
     * Whether {@code GET /v1/session/{id}/events} answers {@code Accept: text/event-stream} with a
     * stream; off, that {@code Accept} is 406. Default {@value #DEFAULT_ENABLED}; off on Lambda,
     * whose buffered responses cannot carry a stream that never ends.
     *
     * @return whether streams are on
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether streams are on
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
