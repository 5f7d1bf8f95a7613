package io.gatehouse.policy.cors;

import io.gatehouse.policy.Phase;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.route.RequestView;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Answers a CORS preflight ({@code OPTIONS} with {@code Origin} and
 * {@code Access-Control-Request-Method}) on a route with {@code cors}, in {@link Phase#PREFLIGHT}:
 * before access, because a browser sends no credential with a preflight, and without calling the
 * upstream. The answer is {@code 204} with {@code Vary: Origin, Access-Control-Request-Method,
 * Access-Control-Request-Headers}; when the origin, the method and every requested header are
 * allowed it also carries {@code Access-Control-Allow-Origin}, {@code -Allow-Credentials},
 * {@code -Allow-Methods}, {@code -Allow-Headers} and {@code -Max-Age}, otherwise none of them and
 * the browser refuses the actual request (as Kong's {@code cors} plugin answers; Envoy's filter
 * instead forwards a preflight it does not allow, which lets the upstream decide what the route's
 * rules already decided). An {@code OPTIONS} request that is not a preflight goes on as usual.
 */
@Singleton
final class CorsPreflightPolicy extends CorsPolicy {

    /** The exchange attribute marking a request answered as a preflight. */
    static final String PREFLIGHT_ATTRIBUTE = "cors.preflight";

    private static final String PREFLIGHT_VARY = "Origin, " + CorsRules.REQUEST_METHOD + ", " + CorsRules.REQUEST_HEADERS;
    private static final byte[] NO_BODY = new byte[0];

    @Override
    public Phase phase() {
        return Phase.PREFLIGHT;
    }

    @Override
    PolicyStep step(CorsRules rules) {
        return new Step(rules);
    }

    private record Step(CorsRules rules) implements PolicyStep {

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            RequestView request = exchange.request();
            if (!"OPTIONS".equals(request.method())) {
                return PolicyResult.PROCEED_STAGE;
            }
            String origin = request.header("Origin");
            String method = request.header(CorsRules.REQUEST_METHOD);
            if (origin == null || method == null) {
                return PolicyResult.PROCEED_STAGE;
            }
            exchange.attribute(PREFLIGHT_ATTRIBUTE, Boolean.TRUE);
            String requestedHeaders = request.header(CorsRules.REQUEST_HEADERS);
            List<Map.Entry<String, String>> headers = new ArrayList<>(7);
            headers.add(Map.entry("Vary", PREFLIGHT_VARY));
            if (rules.allowsOrigin(origin) && rules.allowsMethod(method) && rules.allowsHeaders(requestedHeaders)) {
                rules.preflightHeaders(origin, method, requestedHeaders, headers);
            }
            return PolicyResult.completed(new PolicyResult.Respond(204, headers, NO_BODY));
        }
    }
}
