package io.gatehouse.policy;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.route.RequestView;
import io.gatehouse.testing.FixedResponseHead;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chain's contract, without an engine: request sides in phase order until one answers,
 * response sides of the steps that ran plus every response-side step, waiting steps resumed.
 */
class PolicyChainTest {

    private final List<String> trace = new ArrayList<>();

    private PolicyStep step(String name, PolicyResult result) {
        return new PolicyStep() {
            @Override
            public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
                trace.add(name + ".request");
                return PolicyResult.completed(result);
            }

            @Override
            public void response(PolicyExchange exchange, ResponseHead response) {
                trace.add(name + ".response");
            }
        };
    }

    private static PolicyExchange exchange() {
        RequestView view = new RequestView() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String path() {
                return "/x";
            }

            @Override
            public String host() {
                return "";
            }

            @Override
            public String header(String name) {
                return name.equalsIgnoreCase("X-Forwarded-For") ? "203.0.113.7, 10.0.0.1" : null;
            }

            @Override
            public List<String> query(String name) {
                return List.of();
            }
        };
        return new PolicyExchange(null, view, "req-1", "10.0.0.9", false, true);
    }

    @Test
    void requestSidesRunInOrderAndEveryResponseSideRunsOnTheResponse() {
        PolicyChain chain = new PolicyChain(
            List.of(step("access", PolicyResult.PROCEED), step("limits", PolicyResult.PROCEED), step("headers", PolicyResult.PROCEED)),
            List.of(Phase.ACCESS, Phase.LIMITS, Phase.RESPONSE_HEADERS));
        PolicyExchange exchange = exchange();
        assertSame(PolicyResult.PROCEED_STAGE, chain.request(exchange));
        chain.response(exchange, new FixedResponseHead(200));
        // A response-side phase has no request side to run.
        assertEquals(List.of("access.request", "limits.request", "access.response", "limits.response", "headers.response"), trace);
    }

    @Test
    void aStepThatAnswersStopsTheRequestSideButResponseSidePhasesStillRun() {
        PolicyResult.Respond preflight = new PolicyResult.Respond(204, List.of(Map.entry("Allow", "GET")), new byte[0]);
        PolicyChain chain = new PolicyChain(
            List.of(step("cors", preflight), step("access", PolicyResult.PROCEED), step("headers", PolicyResult.PROCEED)),
            List.of(Phase.PREFLIGHT, Phase.ACCESS, Phase.RESPONSE_HEADERS));
        PolicyExchange exchange = exchange();
        PolicyResult result = chain.request(exchange).toCompletableFuture().join();
        assertSame(preflight, result);
        chain.response(exchange, new FixedResponseHead(200));
        assertEquals(List.of("cors.request", "cors.response", "headers.response"), trace);
    }

    @Test
    void aRefusalFailsTheStageWithTheGatewayException() {
        PolicyStep refusing = new PolicyStep() {
            @Override
            public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
                throw new GatewayException(ErrorCode.RATE_LIMITED, "slow down");
            }
        };
        PolicyChain chain = new PolicyChain(List.of(refusing, step("later", PolicyResult.PROCEED)), List.of(Phase.LIMITS, Phase.VALIDATION));
        CompletableFuture<PolicyResult> stage = chain.request(exchange()).toCompletableFuture();
        assertTrue(stage.isCompletedExceptionally());
        GatewayException refused = PolicyChain.refusal(assertThrowsCompletion(stage));
        assertEquals(ErrorCode.RATE_LIMITED, refused.errorCode());
        assertFalse(trace.contains("later.request"));
    }

    @Test
    void aWaitingStepResumesTheRestOfTheChainWhenItCompletes() {
        CompletableFuture<PolicyResult> pending = new CompletableFuture<>();
        PolicyStep waiting = new PolicyStep() {
            @Override
            public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
                trace.add("waiting.request");
                return pending;
            }
        };
        PolicyChain chain = new PolicyChain(List.of(waiting, step("after", PolicyResult.PROCEED)), List.of(Phase.ACCESS, Phase.LIMITS));
        CompletableFuture<PolicyResult> stage = chain.request(exchange()).toCompletableFuture();
        assertFalse(stage.isDone());
        pending.complete(PolicyResult.PROCEED);
        assertSame(PolicyResult.PROCEED, stage.join());
        assertEquals(List.of("waiting.request", "after.request"), trace);
    }

    @Test
    void theClientAddressIsWhatTheTrustedProxyAppendedNeverWhatTheClientSent() {
        // The trusted proxy appended the last entry; the first is whatever the client sent.
        assertEquals("10.0.0.1", exchange().clientIp());
        PolicyExchange untrusted = new PolicyExchange(null, exchange().request(), "r", "10.0.0.9", false, false);
        assertEquals("10.0.0.9", untrusted.clientIp());
    }

    @Test
    void anEmptyChainNeedsNoBody() {
        assertTrue(PolicyChain.EMPTY.isEmpty());
        assertFalse(PolicyChain.EMPTY.needsRequestBody());
        PolicyExchange exchange = exchange();
        assertInstanceOf(PolicyResult.Proceed.class, PolicyChain.EMPTY.request(exchange).toCompletableFuture().join());
    }

    private static Throwable assertThrowsCompletion(CompletableFuture<?> stage) {
        try {
            stage.join();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("the stage did not fail");
    }

    private PolicyStep completing(String name, PolicyResult result) {
        return new PolicyStep() {
            @Override
            public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
                return PolicyResult.completed(result);
            }

            @Override
            public void completed(PolicyExchange exchange, boolean requestRan) {
                trace.add(name + ".completed(" + requestRan + "," + exchange.status() + "," + exchange.bytesIn() + ","
                    + exchange.bytesOut() + "," + exchange.aborted() + ")");
            }
        };
    }

    @Test
    void completed_thenEveryStepOnceWithWhetherItsRequestSideRanAndTheOutcome() {
        PolicyResult.Respond answer = new PolicyResult.Respond(204, List.of(), new byte[0]);
        PolicyChain chain = new PolicyChain(
            List.of(completing("first", PolicyResult.PROCEED), completing("answers", answer),
                completing("skipped", PolicyResult.PROCEED), completing("headers", PolicyResult.PROCEED)),
            List.of(Phase.PREFLIGHT, Phase.ACCESS, Phase.LIMITS, Phase.RESPONSE_HEADERS));
        PolicyExchange exchange = exchange();
        chain.request(exchange);
        chain.response(exchange, new FixedResponseHead(200));
        assertFalse(exchange.isCompleted());
        chain.completed(exchange, 12, 34, false);
        chain.completed(exchange, 99, 99, true);
        assertTrue(exchange.isCompleted());
        assertEquals(List.of("first.completed(true,200,12,34,false)", "answers.completed(true,200,12,34,false)",
            "skipped.completed(false,200,12,34,false)", "headers.completed(false,200,12,34,false)"), trace);
        assertTrue(exchange.durationNanos() >= 0);
    }

    @Test
    void completedWithoutAResponse_thenClientClosedAndAborted() {
        PolicyChain chain = new PolicyChain(List.of(completing("only", PolicyResult.PROCEED)), List.of(Phase.ACCESS));
        PolicyExchange exchange = exchange();
        chain.completed(exchange, 0, 0, false);
        assertEquals(List.of("only.completed(false,499,0,0,true)"), trace);
        assertEquals(PolicyExchange.CLIENT_CLOSED, exchange.status());
    }

    @Test
    void upstreamCalls_thenEachEndsOnceTheLastTargetAndTheTimeFromTheFirstCall() {
        PolicyExchange exchange = exchange();
        exchange.observeUpstream(new UpstreamObserver() {
            @Override
            public void calling(PolicyExchange e, String target, java.util.function.BiConsumer<String, String> setHeader) {
                trace.add("calling " + target);
                setHeader.accept("traceparent", target);
            }

            @Override
            public void answered(PolicyExchange e, int status) {
                trace.add("answered " + status);
            }

            @Override
            public void failed(PolicyExchange e, String reason) {
                trace.add("failed " + reason);
            }
        });
        assertEquals(-1, exchange.upstreamNanos());
        Map<String, String> headers = new java.util.HashMap<>();
        exchange.upstreamCalled("http://a", headers::put);
        exchange.upstreamFailed("connect");
        exchange.upstreamFailed("again");
        exchange.upstreamCalled("http://b", headers::put);
        exchange.upstreamAnswered(503);
        exchange.upstreamCalled("http://c", headers::put);
        exchange.upstreamCalled("http://d", headers::put);
        PolicyChain.EMPTY.completed(exchange, 0, 0, true);
        assertEquals(List.of("calling http://a", "failed connect", "calling http://b", "answered 503", "calling http://c",
            "failed abandoned", "calling http://d", "failed aborted"), trace);
        assertEquals("http://d", exchange.upstreamTarget());
        assertEquals(Map.of("traceparent", "http://d"), headers);
        assertTrue(exchange.upstreamNanos() >= 0);
    }
}
