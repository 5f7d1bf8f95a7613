package io.gatehouse.policy.cors;

import io.gatehouse.policy.Phase;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.policy.ResponseHead;
import jakarta.inject.Singleton;

/**
 * The {@code Access-Control-*} headers of every response of a route with {@code cors}, in
 * {@link Phase#RESPONSE_HEADERS}: the upstream's answers, its errors, and the gateway's own
 * refusals (401, 403, 413, 429, 5xx) alike, so a browser script can read why it was refused.
 *
 * <ul>
 *   <li>{@code Vary: Origin} is added (merged with the upstream's {@code Vary}) unless the route
 *       allows every origin;</li>
 *   <li>an allowed {@code Origin} is echoed in {@code Access-Control-Allow-Origin} ({@code *} when
 *       the route allows every origin, which {@code credentials: true} never does), with
 *       {@code Access-Control-Allow-Credentials: true} when the route allows credentials and
 *       {@code Access-Control-Expose-Headers} when it lists some;</li>
 *   <li>a request from an origin the route does not allow is still forwarded (the browser, not
 *       the gateway, withholds the response from the script), without those headers;</li>
 *   <li>the upstream's own {@code Access-Control-*} headers are removed first: on a {@code cors}
 *       route the route's rules are the only ones (Kong's plugin overrides them the same way). On a
 *       route without {@code cors} the upstream's pass through untouched.</li>
 * </ul>
 */
@Singleton
final class CorsHeadersPolicy extends CorsPolicy {

    @Override
    public Phase phase() {
        return Phase.RESPONSE_HEADERS;
    }

    @Override
    PolicyStep step(CorsRules rules) {
        return new Step(rules);
    }

    private record Step(CorsRules rules) implements PolicyStep {

        @Override
        public void response(PolicyExchange exchange, ResponseHead response) {
            if (exchange.attribute(CorsPreflightPolicy.PREFLIGHT_ATTRIBUTE) != null) {
                // The preflight's own answer carries what it allowed, and nothing else may be added.
                return;
            }
            for (String name : CorsRules.RESPONSE_HEADERS) {
                response.remove(name);
            }
            rules.actualHeaders(exchange.request().header("Origin"), response);
        }
    }
}
