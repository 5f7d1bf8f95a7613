package io.gatehouse.policy;

import io.gatehouse.error.GatewayException;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The steps of one route, in phase order, compiled once when its route table comes into force
 * ({@link PolicyChains}). Every engine calls {@link #request} once before it forwards and
 * {@link #response} once on whatever response goes back, and {@link #completed} once when the
 * exchange is over. Steps that decide at once cost a loop iteration each: nothing is allocated
 * unless a step must wait.
 */
public final class PolicyChain {

    /** A chain without steps. */
    public static final PolicyChain EMPTY = new PolicyChain(List.of(), List.of());

    private final PolicyStep[] steps;
    private final boolean[] responseSide;
    private final List<Phase> phases;
    private final boolean needsRequestBody;
    private final boolean needsResponseBody;

    /**
     * @param steps  the steps
     * @param phases the phase of each step, in the same order (ascending)
     */
    PolicyChain(List<PolicyStep> steps, List<Phase> phases) {
        this.steps = steps.toArray(PolicyStep[]::new);
        this.phases = List.copyOf(phases);
        this.responseSide = new boolean[this.steps.length];
        boolean requestBody = false;
        boolean responseBody = false;
        for (int i = 0; i < this.steps.length; i++) {
            responseSide[i] = phases.get(i).responseSide();
            requestBody |= this.steps[i].needsRequestBody();
            responseBody |= this.steps[i].needsResponseBody();
        }
        this.needsRequestBody = requestBody;
        this.needsResponseBody = responseBody;
    }

    /**
     * @return whether the chain has no step
     */
    public boolean isEmpty() {
        return steps.length == 0;
    }

    /**
     * @return the phases of the steps, in order (for the admin API and tests)
     */
    public List<Phase> phases() {
        return phases;
    }

    /**
     * @return whether a step reads the request body: the engine must buffer it first
     */
    public boolean needsRequestBody() {
        return needsRequestBody;
    }

    /**
     * @return whether a step reads the response body: the engine must buffer it
     */
    public boolean needsResponseBody() {
        return needsResponseBody;
    }

    /**
     * Runs the request side of every step in order, until one answers or refuses.
     *
     * @param exchange the exchange
     * @return {@link PolicyResult#PROCEED} to call the upstream, a {@link PolicyResult.Respond} to answer
     *     with, or a stage failed with the {@link GatewayException} to answer with
     */
    public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
        return run(exchange, 0);
    }

    private CompletionStage<PolicyResult> run(PolicyExchange exchange, int from) {
        for (int i = from; i < steps.length; i++) {
            if (responseSide[i]) {
                continue;
            }
            exchange.ran = i;
            CompletionStage<PolicyResult> stage;
            try {
                stage = steps[i].request(exchange);
            } catch (GatewayException refused) {
                return CompletableFuture.failedFuture(refused);
            }
            if (stage == PolicyResult.PROCEED_STAGE) {
                continue;
            }
            CompletableFuture<PolicyResult> future = stage.toCompletableFuture();
            if (future.isDone() && !future.isCompletedExceptionally() && future.join() == PolicyResult.PROCEED) {
                continue;
            }
            if (future.isDone()) {
                return future;
            }
            int next = i + 1;
            return future.thenCompose(result -> result == PolicyResult.PROCEED ? run(exchange, next) : future);
        }
        return PolicyResult.PROCEED_STAGE;
    }

    /**
     * Runs the response side of the steps whose request side ran, and of every response-side
     * step, in order. A step that throws does not keep the others from running; the first
     * failure is rethrown at the end.
     *
     * @param exchange the exchange
     * @param response the response about to go out
     */
    public void response(PolicyExchange exchange, ResponseHead response) {
        exchange.status(response.status());
        RuntimeException failure = null;
        for (int i = 0; i < steps.length; i++) {
            if (responseSide[i] || i <= exchange.ran) {
                try {
                    steps[i].response(exchange, response);
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Ends the exchange: records its outcome on it and runs every step's
     * {@link PolicyStep#completed}. Engines call it when the response's last byte is written, when
     * the client goes away, and when the response breaks off; only the first call counts. A step
     * that throws does not keep the others from running; the first failure is rethrown at the end.
     *
     * @param exchange the exchange
     * @param bytesIn  request body bytes received from the client
     * @param bytesOut response body bytes sent to the client, or {@code -1} when the engine cannot tell
     * @param aborted  whether the exchange ended without a complete response: the client went away,
     *                 or the response broke off after its head went out
     */
    public void completed(PolicyExchange exchange, long bytesIn, long bytesOut, boolean aborted) {
        if (!exchange.complete(bytesIn, bytesOut, aborted)) {
            return;
        }
        RuntimeException failure = null;
        for (int i = 0; i < steps.length; i++) {
            try {
                steps[i].completed(exchange, !responseSide[i] && i <= exchange.ran);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * @param error what a stage of {@link #request} failed with
     * @return the refusal to answer with, or {@code null} when it is not one (an unexpected failure)
     */
    public static GatewayException refusal(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof GatewayException refused ? refused : null;
    }
}
