package io.gatehouse.conversation;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * The consumers of the session topics, {@code gateway.conversations.fan-out.*}: the agents'
 * replies stored for the history ({@link ReplyStore}) and handed to streams ({@link ReplyFanOut},
 * both of {@code gateway.conversations.outbound-topic}), and the callers' events accepted by other
 * instances ({@link InboundFanOut}, {@code gateway.conversations.inbound-topic}).
 * See {@code docs/streams.md}.
 */
@ConfigurationProperties(ReplyFanOutConfiguration.PREFIX)
public class ReplyFanOutConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = ConversationConfiguration.PREFIX + ".fan-out";

    /** Whether the fan-out runs by default where Kafka is configured ({@code application-lambda.yml} turns it off). */
    public static final boolean DEFAULT_ENABLED = true;

    /** The consumer group, shared by every instance, that stores the replies for the history. */
    public static final String DEFAULT_STORE_GROUP = "gatehouse-replies";

    private boolean enabled = DEFAULT_ENABLED;
    private String storeGroup = DEFAULT_STORE_GROUP;

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

    /**
     * The consumer group of {@link ReplyStore}, which every instance joins, so that each reply is
     * stored for the history even when no instance saw it live: its offsets are committed after
     * the replies are stored, and a group without offsets starts at the beginning of the topic.
     * Every deployment reading the same topic into the same database shares one. Default
     * {@value #DEFAULT_STORE_GROUP}.
     *
     * @return the group id
     */
    public String getStoreGroup() {
        return storeGroup;
    }

    /**
     * @param storeGroup the group id
     */
    public void setStoreGroup(String storeGroup) {
        this.storeGroup = storeGroup;
    }
}
