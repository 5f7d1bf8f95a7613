package io.gatehouse.policy;

import java.util.function.BiConsumer;

/**
 * Told of each call an engine makes to a target on behalf of an exchange ({@link
 * PolicyExchange#observeUpstream}): tracing opens a client span per call and puts its context in
 * the call's headers. Every call ends exactly once, answered or failed; a call still open when the
 * exchange completes fails as {@code aborted}. Calls run on the engine's thread and must not block.
 */
public interface UpstreamObserver {

    /**
     * A call is about to be sent.
     *
     * @param exchange  the exchange
     * @param target    the target's URL
     * @param setHeader sets a header of this call's request (replacing the client's value)
     */
    void calling(PolicyExchange exchange, String target, BiConsumer<String, String> setHeader);

    /**
     * The call's response head arrived.
     *
     * @param exchange the exchange
     * @param status   its status
     */
    void answered(PolicyExchange exchange, int status);

    /**
     * The call ended without a response head.
     *
     * @param exchange the exchange
     * @param reason   why: {@code connect}, {@code timeout}, {@code reset}, {@code malformed_response},
     *                 {@code stale_connection}, {@code local_resources}, {@code aborted}, ...
     */
    void failed(PolicyExchange exchange, String reason);
}
