package io.gatehouse.security;

import io.gatehouse.error.GatewayException;
import io.gatehouse.observability.GatewayMetrics;
import io.gatehouse.policy.Phase;
import io.gatehouse.policy.PolicyChain;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RouteMatch;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Route access as a member of the policy chain ({@link Phase#ACCESS}): every route has it, whatever
 * its {@code auth} (the {@link ForwardingGuard}s run on {@code auth: none} routes too). An admitted
 * caller becomes the exchange's principal, and the route's identity headers
 * ({@code claims.forward}, {@code strip-authorization}) become changes to the upstream request.
 * A refusal is counted per route and reason ({@link GatewayMetrics#refusals}).
 */
@Singleton
final class AccessPolicy implements Policy {

    private final RouteAccess access;
    private final GatewayMetrics metrics;

    AccessPolicy(RouteAccess access, GatewayMetrics metrics) {
        this.access = access;
        this.metrics = metrics;
    }

    @Override
    public Phase phase() {
        return Phase.ACCESS;
    }

    @Override
    public @Nullable PolicyStep compile(@Nullable CompiledRoute route) {
        return route == null ? null : new Step(metrics.refusals(route.id()));
    }

    private final class Step implements PolicyStep {

        private final GatewayMetrics.RefusalMeters refusals;

        Step(GatewayMetrics.RefusalMeters refusals) {
            this.refusals = refusals;
        }

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            RouteMatch match = exchange.match();
            CompletableFuture<GatewayPrincipal> decision;
            try {
                decision = access.checkAsync(match, exchange.request(), exchange.requestId()).toCompletableFuture();
            } catch (GatewayException refused) {
                count(refused);
                throw refused;
            }
            if (decision.isDone() && !decision.isCompletedExceptionally()) {
                return admit(exchange, match, decision.join());
            }
            return decision.whenComplete((principal, error) -> {
                if (error != null) {
                    count(PolicyChain.refusal(error));
                }
            }).thenCompose(principal -> admit(exchange, match, principal));
        }

        /** The refusal's own reason code (never the credential), else its error code. */
        private void count(GatewayException refused) {
            if (refused == null) {
                return;
            }
            Object reason = refused.details().get("reason");
            refusals.refused(reason instanceof String code ? code : refused.errorCode().code());
        }

        private CompletionStage<PolicyResult> admit(PolicyExchange exchange, RouteMatch match, GatewayPrincipal principal) {
            exchange.principal(principal);
            UpstreamIdentity identity = access.upstreamIdentity(match, principal);
            if (identity != UpstreamIdentity.NONE) {
                identity.remove().forEach(exchange::removeUpstreamHeader);
                identity.set().forEach(exchange::setUpstreamHeader);
            }
            return PolicyResult.PROCEED_STAGE;
        }
    }
}
