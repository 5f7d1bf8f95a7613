package io.gatehouse.policy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link PolicyStep} decided on the way in: go on, or answer the client itself.
 */
public sealed interface PolicyResult {

    /** Go on to the next step, and at the end to the upstream. */
    PolicyResult PROCEED = new Proceed();

    /** {@link #PROCEED}, already complete: what a step that decides at once returns, without allocating. */
    CompletionStage<PolicyResult> PROCEED_STAGE = CompletableFuture.completedFuture(PROCEED);

    /** Go on. */
    record Proceed() implements PolicyResult {
    }

    /**
     * Answer the client without calling the upstream (a preflight, a cache hit, a replayed
     * idempotent response). Response-side steps still run on it.
     *
     * @param status  the status
     * @param headers the headers, in order
     * @param body    the body, empty for none
     */
    record Respond(int status, List<Map.Entry<String, String>> headers, byte[] body) implements PolicyResult {
    }

    /**
     * @param result a result
     * @return it, as a completed stage
     */
    static CompletionStage<PolicyResult> completed(PolicyResult result) {
        return result == PROCEED ? PROCEED_STAGE : CompletableFuture.completedFuture(result);
    }
}
