package io.gatehouse.policy.size;

import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.proxy.ProxyConfiguration;
import io.gatehouse.route.CompiledRoute;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.concurrent.CompletionStage;

/**
 * A route's request body limit ({@code request-limits.max-body}), in {@link Phase#LIMITS} before
 * rate limits, so a request refused for its size spends none of the caller's budget. It refuses a
 * request whose {@code Content-Length} (or body, when a policy had it read already) is larger,
 * with 413 {@code payload_too_large}, and otherwise hands the limit to the engine
 * ({@link PolicyExchange#limitRequestBody(long)}), which counts a body of unknown length as it
 * arrives and never buffers it for the check. A route without the key has the engine's
 * {@code gateway.proxy.max-request-body}, enforced the same way.
 */
@Singleton
final class RequestSizePolicy implements Policy {

    /** Before rate limits (order 0). */
    static final int ORDER = -1000;

    @Override
    public Phase phase() {
        return Phase.LIMITS;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public @Nullable PolicyStep compile(@Nullable CompiledRoute route) {
        RequestLimits limits = RequestLimits.of(route);
        return limits == null || limits.maxBody() == RequestLimits.UNSET ? null : new Step(limits.maxBody());
    }

    private record Step(long maxBody) implements PolicyStep {

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            exchange.limitRequestBody(maxBody);
            // The route's limit, or less where the engine holds whole bodies.
            long limit = exchange.maxRequestBody(maxBody);
            byte[] body = exchange.requestBody();
            if (declaredLength(exchange.request().header("Content-Length")) > limit || body != null && body.length > limit) {
                throw ProxyConfiguration.bodyTooLarge(limit);
            }
            return PolicyResult.PROCEED_STAGE;
        }

        private static long declaredLength(@Nullable String value) {
            if (value == null) {
                return -1;
            }
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                // The engines' framing checks refuse it; nothing to measure here.
                return -1;
            }
        }
    }
}
