package io.gatehouse.policy.transform;

import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.route.CompiledRoute;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A route's {@code transforms.request} ({@link Phase#REQUEST_TRANSFORM}): the headers and query
 * the upstream receives, edited through the {@link PolicyExchange} so that every engine applies
 * them the same way. Kong's request-transformer and Spring Cloud Gateway's request header and
 * parameter filters do the same; see {@link Transforms} for the shape and docs/transforms.md.
 */
@Singleton
final class RequestTransformPolicy implements Policy {

    @Override
    public Phase phase() {
        return Phase.REQUEST_TRANSFORM;
    }

    @Override
    public @Nullable PolicyStep compile(@Nullable CompiledRoute route) {
        if (route == null) {
            return null;
        }
        Transforms transforms = Transforms.of(route.definition());
        return transforms.editsRequests() ? new Step(transforms.requestHeaders(), transforms.query()) : null;
    }

    /** The request edits of one route. */
    private record Step(Edits headers, Edits query) implements PolicyStep {

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            if (!headers.isEmpty()) {
                headers.remove().forEach(exchange::removeUpstreamHeader);
                headers.rename().forEach(exchange::renameUpstreamHeader);
                headers.set().forEach((name, template) -> {
                    String value = template.expand(exchange);
                    if (value != null) {
                        exchange.setUpstreamHeader(name, value);
                    }
                });
                for (Map.Entry<String, Template> add : headers.add()) {
                    String value = add.getValue().expand(exchange);
                    if (value != null) {
                        exchange.addUpstreamHeader(add.getKey(), value);
                    }
                }
            }
            if (!query.isEmpty()) {
                exchange.rewriteUpstreamQuery(QueryEditor.apply(exchange.upstreamQuery(exchange.request().rawQuery()), query, exchange));
            }
            return PolicyResult.PROCEED_STAGE;
        }
    }
}
