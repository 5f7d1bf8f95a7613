package io.gatehouse.policy.headers;

import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.policy.ResponseHead;
import io.gatehouse.route.CompiledRoute;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.util.StringUtils;

import java.util.ArrayList;
import java.util.List;

/**
 * Security headers on every response, in {@link Phase#RESPONSE_HEADERS}: on every route's chain
 * and on the chain of the gateway's own endpoints ({@code route == null}), so the gateway's
 * answers, its refusals and every proxied response carry them.
 *
 * <ul>
 *   <li>{@code X-Content-Type-Options}, {@code X-Frame-Options} and {@code Referrer-Policy} replace
 *       an upstream's: the gateway's configuration is what clients get (a route that needs the
 *       upstream's own switches the header off with {@code false}, and the upstream's then passes);</li>
 *   <li>{@code Content-Security-Policy} is added beside an upstream's policy, never replacing it:
 *       browsers enforce every policy a response carries, so the gateway's can only tighten;</li>
 *   <li>{@code Strict-Transport-Security} is set only when the client reached the gateway over
 *       TLS ({@link PolicyExchange#secure()}); over plain HTTP browsers ignore it anyway;</li>
 *   <li>{@code Server} and {@code X-Powered-By} are removed, so no upstream's product and version
 *       reach the client; {@code gateway.security-headers.server} sends a fixed {@code Server} instead.</li>
 * </ul>
 * Created when the gateway starts ({@code @Context}), so a value a header does not take stops the
 * start with the property's name instead of failing the first request.
 */
@Context
@Requires(property = SecurityHeadersConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class SecurityHeadersPolicy implements Policy {

    private static final String SERVER = "Server";
    private static final String POWERED_BY = "X-Powered-By";

    private final SecurityHeaderRules gateway;
    private final @Nullable String server;
    private final Step own;

    SecurityHeadersPolicy(SecurityHeadersConfiguration configuration) {
        try {
            this.gateway = SecurityHeaderRules.of(configuration);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
        String configured = configuration.getServer();
        if (configured != null && !configured.isBlank() && SecurityHeader.unsendable(configured.trim()) != null) {
            throw new ConfigurationException(SecurityHeadersConfiguration.PREFIX + ".server "
                + SecurityHeader.unsendable(configured.trim()) + ", not '" + configured + "'");
        }
        this.server = configured == null || configured.isBlank() ? null : configured.trim();
        this.own = step(gateway);
    }

    @Override
    public Phase phase() {
        return Phase.RESPONSE_HEADERS;
    }

    @Override
    public PolicyStep compile(@Nullable CompiledRoute route) {
        if (route == null) {
            return own;
        }
        SecurityHeaderRules rules = gateway.forRoute(route.definition());
        return rules == gateway ? own : step(rules);
    }

    private Step step(SecurityHeaderRules rules) {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (SecurityHeader header : List.of(SecurityHeader.CONTENT_TYPE_OPTIONS, SecurityHeader.FRAME_OPTIONS,
            SecurityHeader.REFERRER_POLICY)) {
            String value = rules.value(header);
            if (value != null) {
                names.add(header.header());
                values.add(value);
            }
        }
        return new Step(names.toArray(String[]::new), values.toArray(String[]::new),
            rules.value(SecurityHeader.CONTENT_SECURITY_POLICY), rules.value(SecurityHeader.STRICT_TRANSPORT_SECURITY), server);
    }

    /**
     * The headers of one route (or of the gateway's own endpoints), resolved when it compiles.
     *
     * @param names  headers replaced on every response
     * @param values their values
     * @param csp    the policy added beside the upstream's, or {@code null}
     * @param hsts   {@code Strict-Transport-Security} over TLS, or {@code null}
     * @param server the fixed {@code Server}, or {@code null} for none
     */
    private record Step(String[] names, String[] values, @Nullable String csp, @Nullable String hsts,
                        @Nullable String server) implements PolicyStep {

        @Override
        public void response(PolicyExchange exchange, ResponseHead response) {
            for (int i = 0; i < names.length; i++) {
                response.setFixed(names[i], values[i]);
            }
            if (csp != null && !response.headers(SecurityHeader.CONTENT_SECURITY_POLICY.header()).contains(csp)) {
                response.add(SecurityHeader.CONTENT_SECURITY_POLICY.header(), csp);
            }
            if (hsts != null && exchange.secure()) {
                response.setFixed(SecurityHeader.STRICT_TRANSPORT_SECURITY.header(), hsts);
            }
            response.remove(POWERED_BY);
            if (server == null) {
                response.remove(SERVER);
            } else {
                response.setFixed(SERVER, server);
            }
        }
    }
}
