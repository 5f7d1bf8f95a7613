package io.gatehouse.security.opa;

import io.gatehouse.route.RequestView;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.security.GatewayPrincipal;

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
 * Header names are lower case, repeated values joined with {@code ", "} (RFC 9110 §5.3). Headers
 * that carry credentials ({@code Authorization}, {@code Proxy-Authorization}, {@code Cookie}, the
 * API key header) and those a route fills from claims (a client could forge them) are left out:
 * a policy decides on who the gateway says the caller is, never on a secret.
 */
public final class OpaInput {

    /** Headers that always carry credentials. */
    public static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie");

    private OpaInput() {
    }

    /**
     * @param match     the route the request matched
     * @param request   the request
     * @param principal who the gateway established the caller is ({@link GatewayPrincipal#ANONYMOUS} on an open route)
     * @param hidden    lower-case names of further headers to leave out
     * @return the {@code input} document, as JSON values
     */
    public static Map<String, Object> of(RouteMatch match, RequestView request, GatewayPrincipal principal, Set<String> hidden) {
        Map<String, Object> headers = new TreeMap<>();
        request.headerValues().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!CREDENTIAL_HEADERS.contains(lower) && !hidden.contains(lower)) {
                headers.put(lower, String.join(", ", values));
            }
        });
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("method", request.method());
        http.put("path", request.path());
        http.put("host", request.host());
        http.put("headers", headers);
        http.put("query", new TreeMap<>(request.queryParameters()));
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
