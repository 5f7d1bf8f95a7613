package io.gatehouse.policy;

import java.util.concurrent.CompletionStage;

/**
 * What one {@link Policy} does on one route. Steps never block: one that must wait (a key
 * refresh, Redis, a decision service) returns a stage that is not complete yet, and the engine
 * resumes when it completes. A step refuses a request by throwing, or completing its stage with, a
 * {@link io.gatehouse.error.GatewayException}: the engine answers with the envelope, its status and
 * headers.
 */
public interface PolicyStep {

    /**
     * Runs on the way in. The default proceeds.
     *
     * @param exchange the request and what earlier steps learnt of it
     * @return {@link PolicyResult#PROCEED_STAGE} to go on, or a {@link PolicyResult.Respond} to answer
     *     the client without the upstream
     */
    default CompletionStage<PolicyResult> request(PolicyExchange exchange) {
        return PolicyResult.PROCEED_STAGE;
    }

    /**
     * Runs on the way out, on the response the client is about to receive: the upstream's, one a
     * step answered with, or the gateway's refusal. It runs when this step's {@link #request} ran,
     * and, for a {@link Phase#responseSide() response-side} phase, on every response of the route.
     * The default does nothing.
     *
     * @param exchange the exchange
     * @param response the response's status and headers (and body, when {@link #needsResponseBody()})
     */
    default void response(PolicyExchange exchange, ResponseHead response) {
    }

    /**
     * Runs once when the exchange is over: the last byte of the response went to the client, the
     * client went away, or the response broke off. It runs on every step of the chain, whatever
     * answered, with the outcome on the exchange ({@link PolicyExchange#status()},
     * {@link PolicyExchange#durationNanos()}, {@link PolicyExchange#bytesIn()},
     * {@link PolicyExchange#bytesOut()}, {@link PolicyExchange#aborted()}, the upstream call). It
     * must not block and cannot change the response any more. The default does nothing.
     *
     * @param exchange   the exchange, complete
     * @param requestRan whether this step's {@link #request} was called for it (a request refused
     *                   before the chain ran, such as one too large, reaches no request side)
     */
    default void completed(PolicyExchange exchange, boolean requestRan) {
    }

    /**
     * @return whether {@link #request} reads the request body ({@link PolicyExchange#requestBody()}):
     *     the engine then buffers it (up to the body limit) before running the chain
     */
    default boolean needsRequestBody() {
        return false;
    }

    /**
     * @return whether {@link #response} reads the response body ({@link ResponseHead#body()}): the
     *     engine then buffers it
     */
    default boolean needsResponseBody() {
        return false;
    }
}
