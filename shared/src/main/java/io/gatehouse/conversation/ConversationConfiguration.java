package io.gatehouse.conversation;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;
import java.util.List;

/**
 * The conversational API under {@code gateway.conversations.*}: intake limits, the Kafka topics,
 * the relay, the Redis session state and who may read a session. See docs/sessions.md.
 */
@ConfigurationProperties(ConversationConfiguration.PREFIX)
public class ConversationConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.conversations";

    /** The default longest message, in characters. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 32_768;

    /** The default largest number of attachments on one message. */
    public static final int DEFAULT_MAX_ATTACHMENTS = 10;

    /** The default most events one history page holds. */
    public static final int DEFAULT_MAX_PAGE = 500;

    /** The default period of the heartbeat comment on an open stream, in seconds. */
    public static final long DEFAULT_HEARTBEAT_SECONDS = 15;

    /** The default most events one stream holds for a client that does not read them. */
    public static final int DEFAULT_STREAM_BUFFER = 1024;

    private int maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH;
    private int maxAttachments = DEFAULT_MAX_ATTACHMENTS;
    private int maxPage = DEFAULT_MAX_PAGE;
    private String inboundTopic = "conversation.inbound";
    private String outboundTopic = "conversation.outbound";
    private String redisPrefix = "session:";
    private Duration sessionTtl = Duration.ofHours(24);
    private String auth = "any";
    private String opaPolicy = "gatehouse/sessions/allow";
    private List<String> readAnyRoles = List.of();
    private Duration relayInterval = Duration.ofMillis(200);
    private int relayBatch = 500;
    private Duration relayClaim = Duration.ofSeconds(30);
    private Duration outboxRetention = Duration.ofHours(24);
    private boolean relayInBackground = true;
    private boolean publishAfterCommit = true;
    private boolean groupCommit = true;
    private int maxBatch = 256;
    private int maxQueued = 10_000;
    private Duration heartbeat = Duration.ofSeconds(DEFAULT_HEARTBEAT_SECONDS);
    private int streamBuffer = DEFAULT_STREAM_BUFFER;

    /**
     * The longest {@code message}, in characters; a longer one is refused with 400 naming the field.
     * Default {@value #DEFAULT_MAX_MESSAGE_LENGTH}.
     *
     * @return the limit
     */
    public int getMaxMessageLength() {
        return maxMessageLength;
    }

    /**
     * @param maxMessageLength the limit
     */
    public void setMaxMessageLength(int maxMessageLength) {
        this.maxMessageLength = maxMessageLength;
    }

    /**
     * The most {@code attachments} one message may carry. Default {@value #DEFAULT_MAX_ATTACHMENTS}.
     *
     * @return the limit
     */
    public int getMaxAttachments() {
        return maxAttachments;
    }

    /**
     * @param maxAttachments the limit
     */
    public void setMaxAttachments(int maxAttachments) {
        this.maxAttachments = maxAttachments;
    }

    /**
     * The largest {@code limit} of a history page. Default {@value #DEFAULT_MAX_PAGE}.
     *
     * @return the limit
     */
    public int getMaxPage() {
        return maxPage;
    }

    /**
     * @param maxPage the limit
     */
    public void setMaxPage(int maxPage) {
        this.maxPage = maxPage;
    }

    /**
     * The Kafka topic accepted messages and actions are published to. Default {@code conversation.inbound}.
     *
     * @return the topic
     */
    public String getInboundTopic() {
        return inboundTopic;
    }

    /**
     * @param inboundTopic the topic
     */
    public void setInboundTopic(String inboundTopic) {
        this.inboundTopic = inboundTopic;
    }

    /**
     * The Kafka topic the agents answer on. Default {@code conversation.outbound}.
     *
     * @return the topic
     */
    public String getOutboundTopic() {
        return outboundTopic;
    }

    /**
     * @param outboundTopic the topic
     */
    public void setOutboundTopic(String outboundTopic) {
        this.outboundTopic = outboundTopic;
    }

    /**
     * The prefix of the Redis session state key, {@code <prefix><id>:meta}. Default {@code session:}.
     *
     * @return the prefix
     */
    public String getRedisPrefix() {
        return redisPrefix;
    }

    /**
     * @param redisPrefix the prefix
     */
    public void setRedisPrefix(String redisPrefix) {
        this.redisPrefix = redisPrefix;
    }

    /**
     * How long the Redis session state lives after the last activity. Default 24 hours.
     *
     * @return the time to live
     */
    public Duration getSessionTtl() {
        return sessionTtl;
    }

    /**
     * @param sessionTtl the time to live
     */
    public void setSessionTtl(Duration sessionTtl) {
        this.sessionTtl = sessionTtl;
    }

    /**
     * The {@code auth} mode of the session, feedback and stream endpoints, as a route's:
     * {@code any} (default), {@code jwt}, {@code api-key} or {@code session}. {@code none} is refused:
     * a session belongs to its caller.
     *
     * @return the mode
     */
    public String getAuth() {
        return auth;
    }

    /**
     * @param auth the mode
     */
    public void setAuth(String auth) {
        this.auth = auth;
    }

    /**
     * The OPA document that decides on the session, feedback and stream endpoints when
     * {@code gateway.opa.url} is set. Default {@code gatehouse/sessions/allow}.
     *
     * @return the data API path
     */
    public String getOpaPolicy() {
        return opaPolicy;
    }

    /**
     * @param opaPolicy the data API path
     */
    public void setOpaPolicy(String opaPolicy) {
        this.opaPolicy = opaPolicy;
    }

    /**
     * Roles whose holders may read and write every session of their own tenant, not only the
     * sessions they opened (an operator's console, a support role). Never another tenant's.
     * Default none.
     *
     * @return the roles
     */
    public List<String> getReadAnyRoles() {
        return readAnyRoles;
    }

    /**
     * @param readAnyRoles the roles
     */
    public void setReadAnyRoles(List<String> readAnyRoles) {
        this.readAnyRoles = List.copyOf(readAnyRoles);
    }

    /**
     * How often the background relay looks for unpublished outbox rows, besides being woken after
     * each commit. Default 200 ms.
     *
     * @return the period
     */
    public Duration getRelayInterval() {
        return relayInterval;
    }

    /**
     * @param relayInterval the period
     */
    public void setRelayInterval(Duration relayInterval) {
        this.relayInterval = relayInterval;
    }

    /**
     * The most outbox rows one relay pass claims. Default 500.
     *
     * @return the batch size
     */
    public int getRelayBatch() {
        return relayBatch;
    }

    /**
     * @param relayBatch the batch size
     */
    public void setRelayBatch(int relayBatch) {
        this.relayBatch = relayBatch;
    }

    /**
     * How long a relay's claim on outbox rows holds; after it, a relay that died is assumed gone and
     * another one publishes the rows. Default 30 s.
     *
     * @return the claim
     */
    public Duration getRelayClaim() {
        return relayClaim;
    }

    /**
     * @param relayClaim the claim
     */
    public void setRelayClaim(Duration relayClaim) {
        this.relayClaim = relayClaim;
    }

    /**
     * How long a published outbox row is kept before it is deleted (the event itself stays in
     * {@code session_events}). Default 24 hours.
     *
     * @return the retention
     */
    public Duration getOutboxRetention() {
        return outboxRetention;
    }

    /**
     * @param outboxRetention the retention
     */
    public void setOutboxRetention(Duration outboxRetention) {
        this.outboxRetention = outboxRetention;
    }

    /**
     * Whether a background thread relays the outbox (the container; Lambda turns it off, as a frozen
     * process runs no thread, and relays from its scheduled handler instead). Default true.
     *
     * @return whether the relay runs in the background
     */
    public boolean isRelayInBackground() {
        return relayInBackground;
    }

    /**
     * @param relayInBackground whether the relay runs in the background
     */
    public void setRelayInBackground(boolean relayInBackground) {
        this.relayInBackground = relayInBackground;
    }

    /**
     * Whether the intake publishes its own row right after the commit, before it answers, where no
     * background relay runs (Lambda). The row stays in the outbox until Kafka acknowledged it, so
     * a failed publish is relayed later. Default true.
     *
     * @return whether to publish after commit without a background relay
     */
    public boolean isPublishAfterCommit() {
        return publishAfterCommit;
    }

    /**
     * @param publishAfterCommit whether to publish after commit without a background relay
     */
    public void setPublishAfterCommit(boolean publishAfterCommit) {
        this.publishAfterCommit = publishAfterCommit;
    }

    /**
     * Whether one writer thread commits concurrent intakes together, one transaction (and one disk
     * flush) for all those waiting, rather than a transaction per request. Default true; Lambda,
     * which handles one request at a time, turns it off.
     *
     * @return whether intakes are committed in groups
     */
    public boolean isGroupCommit() {
        return groupCommit;
    }

    /**
     * @param groupCommit whether intakes are committed in groups
     */
    public void setGroupCommit(boolean groupCommit) {
        this.groupCommit = groupCommit;
    }

    /**
     * The most intakes one group commit holds. Default 256.
     *
     * @return the limit
     */
    public int getMaxBatch() {
        return maxBatch;
    }

    /**
     * @param maxBatch the limit
     */
    public void setMaxBatch(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    /**
     * The most intakes waiting for the writer; beyond it an intake is refused with 503
     * {@code overloaded} and {@code Retry-After} instead of queueing without end. Default 10000.
     *
     * @return the limit
     */
    public int getMaxQueued() {
        return maxQueued;
    }

    /**
     * @param maxQueued the limit
     */
    public void setMaxQueued(int maxQueued) {
        this.maxQueued = maxQueued;
    }

    /**
     * How often an open stream ({@code GET /v1/session/{id}/events} as {@code text/event-stream})
     * sends a heartbeat comment, so that proxies and load balancers do not close an idle connection
     * and a client notices a dead one. Default {@value #DEFAULT_HEARTBEAT_SECONDS} s.
     *
     * @return the period
     */
    public Duration getHeartbeat() {
        return heartbeat;
    }

    /**
     * @param heartbeat the period
     */
    public void setHeartbeat(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    /**
     * The most events a stream holds for a client that reads slower than they arrive; when it is
     * full the stream is closed (the client reconnects with {@code Last-Event-ID} and replays from
     * PostgreSQL), so a slow reader never makes the heap grow. Default {@value #DEFAULT_STREAM_BUFFER}.
     *
     * @return the number of events
     */
    public int getStreamBuffer() {
        return streamBuffer;
    }

    /**
     * @param streamBuffer the number of events
     */
    public void setStreamBuffer(int streamBuffer) {
        this.streamBuffer = streamBuffer;
    }
}
