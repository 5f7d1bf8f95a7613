package io.gatehouse.policy.transform;

import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.policy.ResponseHead;
import io.gatehouse.route.CompiledRoute;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/**
 * A route's {@code transforms.response} ({@link Phase#RESPONSE_TRANSFORM}): the headers of every
 * response of the route the client receives, the upstream's and the gateway's own answers and
 * refusals alike (a response-side phase): after the cache stored the upstream's response and the
 * rate-limit headers were set, before CORS and security headers. See {@link Transforms} and
 * docs/transforms.md.
 */
@Singleton
final class ResponseTransformPolicy implements Policy {

    @Override
    public Phase phase() {
        return Phase.RESPONSE_TRANSFORM;
    }

    @Override
    public @Nullable PolicyStep compile(@Nullable CompiledRoute route) {
        if (route == null) {
            return null;
        }
        Edits headers = Transforms.of(route.definition()).responseHeaders();
        return headers.isEmpty() ? null : new Step(headers);
    }

    /** The response edits of one route. */
    private record Step(Edits headers) implements PolicyStep {

        @Override
        public void response(PolicyExchange exchange, ResponseHead response) {
            headers.remove().forEach(response::remove);
            headers.rename().forEach((from, to) -> {
                List<String> values = List.copyOf(response.headers(from));
                if (!values.isEmpty()) {
                    response.remove(from);
                    response.remove(to);
                    values.forEach(value -> response.add(to, value));
                }
            });
            headers.set().forEach((name, template) -> {
                String value = template.expand(exchange);
                if (value != null) {
                    response.set(name, value);
                }
            });
            for (Map.Entry<String, Template> add : headers.add()) {
                String value = add.getValue().expand(exchange);
                if (value != null) {
                    response.add(add.getKey(), value);
                }
            }
        }
    }
}
