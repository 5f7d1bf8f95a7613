package io.gatehouse.security.opa;

import io.gatehouse.route.RequestView;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.security.GatewayPrincipal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code input} document a decision service is shown, the same for every engine:
 * <pre>{@code
 * {"request":   {"method", "path", "host", "headers": {name: "v1, v2"}, "query": {name: ["v"]}},
 *  "route":     {"id", "variables": {name: value}},
 *  "principal": {"authenticated", "subject", "method", "claims", "roles", "scopes", "groups", "tenant"}}
 * }</pre>
 * Header names are lower case, repeated values joined with {@code ", "} (RFC 9110 §5.3). Headers and
 * query parameters that carry credentials ({@link Redaction}) keep their name and lose their value
 * to {@value #REDACTED}: a policy decides on who the gateway says the caller is, and may see that a
 * credential was presented, never the secret (OPA's decision log records the whole input). Headers a
 * route fills from claims are left out altogether: a client could forge them.
 */
public final class OpaInput {

    /** What a redacted header or query parameter value becomes. */
    public static final String REDACTED = "[redacted]";

    /**
     * What to redact.
     *
     * @param headers         lower-case names of headers whose value becomes {@value #REDACTED}
     * @param queryParameters lower-case names of query parameters whose every value becomes {@value #REDACTED}
     */
    public record Redaction(Set<String> headers, Set<String> queryParameters) {

        /** Nothing redacted: the credentials as the client sent them. */
        public static final Redaction NONE = new Redaction(Set.of(), Set.of());

        /**
         * @param headers         lower-case header names
         * @param queryParameters lower-case query parameter names
         */
        public Redaction {
            headers = Set.copyOf(headers);
            queryParameters = Set.copyOf(queryParameters);
        }
    }

    private OpaInput() {
    }

    /**
     * @param match     the route the request matched
     * @param request   the request
     * @param principal who the gateway established the caller is ({@link GatewayPrincipal#ANONYMOUS} on an open route)
     * @param hidden    lower-case names of headers to leave out
     * @param redaction the headers and query parameters whose values to redact
     * @return the {@code input} document, as JSON values
     */
    public static Map<String, Object> of(RouteMatch match, RequestView request, GatewayPrincipal principal, Set<String> hidden,
                                         Redaction redaction) {
        Map<String, Object> headers = new TreeMap<>();
        request.headerValues().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!hidden.contains(lower)) {
                headers.put(lower, redaction.headers().contains(lower) ? REDACTED : String.join(", ", values));
            }
        });
        Map<String, Object> query = new TreeMap<>();
        request.queryParameters().forEach((name, values) -> query.put(name,
            redaction.queryParameters().contains(name.toLowerCase(Locale.ROOT)) ? Collections.nCopies(values.size(), REDACTED) : values));
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("method", request.method());
        http.put("path", request.path());
        http.put("host", request.host());
        http.put("headers", headers);
        http.put("query", query);
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("id", match.route().id());
        route.put("variables", new TreeMap<>(match.variables()));
        Map<String, Object> caller = new LinkedHashMap<>();
        caller.put("authenticated", !principal.anonymous());
        caller.put("subject", principal.subject());
        caller.put("method", principal.method());
        caller.put("claims", principal.claims());
        caller.put("roles", sorted(principal.roles()));
        caller.put("scopes", sorted(principal.scopes()));
        caller.put("groups", sorted(principal.groups()));
        caller.put("tenant", principal.tenant());
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("request", http);
        input.put("route", route);
        input.put("principal", caller);
        return input;
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
