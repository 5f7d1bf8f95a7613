package io.gatehouse.policy.headers;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.RouteDefinition;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The security headers of one place: the gateway's settings, with a route's
 * {@code security-headers} key applied over them:
 * <pre>
 * security-headers:
 *   frame-options: SAMEORIGIN                     # another value for this route
 *   content-security-policy: "default-src 'self'" # (added beside the upstream's own policy)
 *   strict-transport-security: false              # not set by the gateway: the upstream's own passes untouched
 * </pre>
 * The keys are those of {@code gateway.security-headers.*} but {@code enabled} and {@code server};
 * any other key, and a value the header does not take, is refused when the route loads.
 *
 * @param values the value of each header the gateway sets, by header; a header it does not set is absent
 */
record SecurityHeaderRules(Map<SecurityHeader, String> values) {

    /** The route key. */
    static final String KEY = "security-headers";

    /**
     * @param configuration the gateway's settings
     * @return the gateway-wide rules
     * @throws IllegalArgumentException naming the property whose value a header does not take
     */
    static SecurityHeaderRules of(SecurityHeadersConfiguration configuration) {
        Map<SecurityHeader, String> values = new EnumMap<>(SecurityHeader.class);
        for (SecurityHeader header : SecurityHeader.values()) {
            String value = configuration.value(header);
            if (off(value)) {
                continue;
            }
            String trimmed = value.trim();
            String problem = problem(header, trimmed);
            if (problem != null) {
                throw new IllegalArgumentException(SecurityHeadersConfiguration.PREFIX + "." + header.key() + " " + problem
                    + ", not '" + value + "'");
            }
            values.put(header, trimmed);
        }
        return new SecurityHeaderRules(Map.copyOf(values));
    }

    /**
     * @param route a route's definition (validated when it loaded)
     * @return these rules with the route's {@code security-headers} applied
     */
    SecurityHeaderRules forRoute(RouteDefinition route) {
        Object raw = route.policies().get(KEY);
        if (raw == null) {
            return this;
        }
        // Problems were reported when the route loaded; a route with any does not come into force.
        return apply(ConfigNode.root("route " + route.id(), Map.of(KEY, raw), new ArrayList<>()).get(KEY));
    }

    /**
     * Reads a route's key over these rules, recording every problem on the node.
     *
     * @param node the {@code security-headers} node
     * @return the rules for the route
     */
    SecurityHeaderRules apply(ConfigNode node) {
        if (node.isMissing()) {
            return this;
        }
        if (!(node.raw() instanceof Map<?, ?>)) {
            node.problem("must be a map of headers such as { frame-options: SAMEORIGIN }");
            return this;
        }
        node.allowOnly(SecurityHeader.keys());
        Map<SecurityHeader, String> values = new EnumMap<>(SecurityHeader.class);
        values.putAll(this.values);
        for (SecurityHeader header : SecurityHeader.values()) {
            ConfigNode child = node.get(header.key());
            String value = child.string(null);
            if (value == null) {
                continue;
            }
            if (off(value)) {
                values.remove(header);
                continue;
            }
            String problem = value.equalsIgnoreCase("true")
                ? "takes the header's value, or false to leave the header to the upstream"
                : problem(header, value);
            if (problem != null) {
                child.problem(problem + ", not '" + value + "'");
            } else {
                values.put(header, value);
            }
        }
        return new SecurityHeaderRules(Map.copyOf(values));
    }

    /**
     * @param node the route's {@code security-headers} node
     */
    static void validate(ConfigNode node) {
        new SecurityHeaderRules(Map.of()).apply(node);
    }

    /**
     * @param header a header
     * @return the value the gateway sets, or {@code null} when it sets none
     */
    @Nullable
    String value(SecurityHeader header) {
        return values.get(header);
    }

    private static boolean off(@Nullable String value) {
        return value == null || value.isBlank() || value.trim().toLowerCase(Locale.ROOT).equals("false");
    }

    private static @Nullable String problem(SecurityHeader header, String value) {
        String unsendable = SecurityHeader.unsendable(value);
        return unsendable != null ? unsendable : header.problem(value);
    }
}
