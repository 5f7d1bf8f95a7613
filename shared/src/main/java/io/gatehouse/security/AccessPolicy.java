package io.gatehouse.security;

import io.gatehouse.policy.Phase;
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
 */
@Singleton
final class AccessPolicy implements Policy {

    private final RouteAccess access;

    AccessPolicy(RouteAccess access) {
        this.access = access;
    }

    @Override
    public Phase phase() {
        return Phase.ACCESS;
    }

    @Override
    public @Nullable PolicyStep compile(@Nullable CompiledRoute route) {
        return route == null ? null : new Step();
    }

    private final class Step implements PolicyStep {

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            RouteMatch match = exchange.match();
            CompletableFuture<GatewayPrincipal> decision =
                access.checkAsync(match, exchange.request(), exchange.requestId()).toCompletableFuture();
            if (decision.isDone() && !decision.isCompletedExceptionally()) {
                return admit(exchange, match, decision.join());
            }
            return decision.thenCompose(principal -> admit(exchange, match, principal));
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
