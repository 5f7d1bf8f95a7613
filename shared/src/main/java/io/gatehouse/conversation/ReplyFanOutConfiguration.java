package io.gatehouse.conversation;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * The switch of the fan-out to streams, {@code gateway.conversations.fan-out.*}: of the agents'
 * replies ({@link ReplyFanOut}, {@code gateway.conversations.outbound-topic}) and of the callers'
 * events accepted by other instances ({@link InboundFanOut}, {@code gateway.conversations.inbound-topic}).
 * See {@code docs/streams.md}.
 */
@ConfigurationProperties(ReplyFanOutConfiguration.PREFIX)
public class ReplyFanOutConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = ConversationConfiguration.PREFIX + ".fan-out";

    /** Whether the fan-out runs by default where Kafka is configured ({@code application-lambda.yml} turns it off). */
    public static final boolean DEFAULT_ENABLED = true;

    private boolean enabled = DEFAULT_ENABLED;

    /**
     * Whether this instance consumes the outbound and inbound topics, when
     * {@code kafka.bootstrap.servers} is set: stores each reply once and hands it, and the callers'
     * events other instances accepted, to its streams. Default {@value #DEFAULT_ENABLED};
     * off on Lambda, where no consumer can run between invocations.
     *
     * @return whether the fan-out runs
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether the fan-out runs
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
