package io.gatehouse.security;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.route.RouteDefinition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route's access policy, read from its {@code auth}, {@code claims} and {@code authorization} keys:
 * <pre>
 * auth: jwt                      # none | jwt | api-key | session | any
 * claims:
 *   required: [sub, project]     # 403 when missing
 *   match: { project: "{project}", service: "{service}" }   # claim must equal the path variable
 *   match: { service: [prefect, api, "{service}"] }          # or any of a list of values and templates
 *   forward: { sub: X-User-Id }  # claim sent to the upstream as a header
 *   strip-authorization: true    # the upstream does not see the token
 * authorization:
 *   roles: [admin, ops]          # any of
 *   scopes: [orders:read]        # any of
 *   groups: { allow: [partners] }   # or deny: [suspended]; one of the two, as Kong's acl plugin
 *   opa: gatehouse/routes/allow  # or { path: ..., failure-mode-allow: true, forward-credentials: true }: POST {gateway.opa.url}/v1/data/&lt;path&gt;
 * tenant: "{project}"            # the principal's tenant must equal it (a literal, or a template over path variables)
 * tenant: "*"                    # or: open to callers of any tenant, including the gateway's tenant-bound credentials
 * </pre>
 * A route without {@code tenant} is global: a {@link GatewayPrincipal#tenantBound() tenant-bound}
 * credential (one the gateway minted for a tenant) does not reach it.
 *
 * @param auth               the {@code auth} policy, or {@code null} when the route does not say
 * @param requiredClaims     claims the credential must carry
 * @param claimMatch         claim name (or dotted path) to the values of which it must equal one: literals or
 *                           templates over the path variables such as {@code {project}}
 * @param forward            claim name to the request header the upstream receives it in
 * @param stripAuthorization whether the {@code Authorization} header is removed before forwarding
 * @param roles              roles of which the principal needs one; empty for no rule
 * @param scopes             scopes of which the principal needs one; empty for no rule
 * @param allowGroups        groups of which the principal needs one ({@link GatewayPrincipal#groups()}); empty for no rule
 * @param denyGroups         groups none of which the principal may hold; empty for no rule
 * @param opa                the external policy decision the request needs, or {@code null}
 * @param tenant             the tenant the principal must belong to, a template over the path variables, or {@code null}
 */
public record RoutePolicy(AuthMode auth, List<String> requiredClaims, Map<String, List<String>> claimMatch, Map<String, String> forward,
                          boolean stripAuthorization, Set<String> roles, Set<String> scopes, Set<String> allowGroups,
                          Set<String> denyGroups, Opa opa, String tenant) {

    /**
     * The {@code tenant} of a global route open to callers of every tenant, and of none: the
     * gateway's tenant-bound credentials reach it too. Only the global administrator may write it.
     */
    public static final String ANY_TENANT = "*";

    /** The policy of a route that says nothing about access. */
    public static final RoutePolicy UNSET = new RoutePolicy(null, List.of(), Map.of(), Map.of(), false, Set.of(), Set.of(), Set.of(),
        Set.of(), null, null);

    private static final Pattern OPA_PATH = Pattern.compile("[A-Za-z0-9_]+(/[A-Za-z0-9_]+)*");

    /**
     * A route's {@code authorization.opa}: the OPA data API document that decides.
     *
     * @param path             the document's path below {@code /v1/data/}, such as {@code gatehouse/routes/allow}
     * @param failureModeAllow whether the request goes on when the decision service fails (Envoy's
     *                         {@code failure_mode_allow}); {@code null} for the gateway's
     *                         {@code gateway.opa.failure-mode-allow}
     * @param forwardCredentials whether the decision service is shown the caller's credentials unredacted;
     *                         {@code null} for the gateway's {@code gateway.opa.forward-credentials}
     */
    public record Opa(String path, Boolean failureModeAllow, Boolean forwardCredentials) {
    }

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "host", "content-length", "transfer-encoding",
        "connection", "upgrade", "te", "trailer", "keep-alive", "proxy-authorization", "proxy-connection", "cookie");

    /**
     * The {@code auth} mode in force for this route.
     *
     * @param requireAuth {@code gateway.require-auth}
     * @return the route's own {@code auth}; otherwise {@code jwt} when authentication is required by
     * default or the route has claim or authorization rules; otherwise {@code none}
     */
    public AuthMode effectiveAuth(boolean requireAuth) {
        if (auth != null) {
            return auth;
        }
        return requireAuth || hasRules() ? AuthMode.JWT : AuthMode.NONE;
    }

    /**
     * @return whether the route has claim, forwarding or authorization rules
     */
    public boolean hasRules() {
        return !requiredClaims.isEmpty() || !claimMatch.isEmpty() || !forward.isEmpty() || !roles.isEmpty() || !scopes.isEmpty()
            || !allowGroups.isEmpty() || !denyGroups.isEmpty() || opa != null || tenant != null;
    }

    /**
     * The value a claim must equal for this request.
     *
     * @param template  a {@link #claimMatch()} value
     * @param variables the request's path variables
     * @return the template with every {@code {name}} replaced
     */
    static String expand(String template, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(variables.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Reads the policy of a route that has already been validated.
     *
     * @param route the route
     * @return its policy
     */
    public static RoutePolicy of(RouteDefinition route) {
        if (route.policies().isEmpty()) {
            return UNSET;
        }
        List<DefinitionProblem> ignored = new ArrayList<>();
        return parse(ConfigNode.root("route " + route.id(), route.policies(), ignored), route.match());
    }

    /**
     * Reads and validates the access keys of a route, recording every problem with its field path.
     *
     * @param route the route's node (or a map holding its policy keys)
     * @param match the route's matchers, to check path variables; {@code null} skips that check
     * @return the policy read, with unusable parts left out
     */
    static RoutePolicy parse(ConfigNode route, RouteDefinition.Match match) {
        ConfigNode authNode = route.get("auth");
        AuthMode auth = authNode.choice(null, AuthMode.class);
        ConfigNode claims = route.get("claims");
        List<String> required = new ArrayList<>();
        Map<String, List<String>> claimMatch = new LinkedHashMap<>();
        Map<String, String> forward = new LinkedHashMap<>();
        boolean strip = false;
        if (!claims.isMissing()) {
            if (!(claims.raw() instanceof Map<?, ?>)) {
                claims.problem("must be a map with required, match, forward and strip-authorization");
            } else {
                claims.allowOnly("required", "match", "forward", "strip-authorization");
                required.addAll(names(claims.get("required"), "a claim name"));
                claims.get("match").entries().forEach((claim, value) -> {
                    List<String> accepted = accepted(value, match);
                    if (!accepted.isEmpty()) {
                        claimMatch.put(claim, accepted);
                    }
                });
                claims.get("forward").entries().forEach((claim, value) -> {
                    String header = value.requiredString();
                    if (header == null) {
                        return;
                    }
                    if (!HEADER_NAME.matcher(header).matches()) {
                        value.problem("'" + header + "' is not a valid header name");
                    } else if (RESERVED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
                        value.problem("'" + header + "' cannot carry a claim: the gateway or HTTP itself owns that header");
                    } else {
                        forward.put(claim, header);
                    }
                });
                strip = claims.get("strip-authorization").bool(false);
            }
        }
        ConfigNode authorization = route.get("authorization");
        Set<String> roles = new LinkedHashSet<>();
        Set<String> scopes = new LinkedHashSet<>();
        Set<String> allowGroups = new LinkedHashSet<>();
        Set<String> denyGroups = new LinkedHashSet<>();
        Opa opa = null;
        if (!authorization.isMissing()) {
            if (!(authorization.raw() instanceof Map<?, ?>)) {
                authorization.problem("must be a map with roles, scopes, groups and opa");
            } else {
                authorization.allowOnly("roles", "scopes", "groups", "opa");
                roles.addAll(names(authorization.get("roles"), "a role"));
                scopes.addAll(names(authorization.get("scopes"), "a scope"));
                groups(authorization.get("groups"), allowGroups, denyGroups);
                opa = opa(authorization.get("opa"));
            }
        }
        String tenant = tenant(route.get("tenant"), match);
        RoutePolicy policy = new RoutePolicy(auth, List.copyOf(required), Map.copyOf(claimMatch), Map.copyOf(forward), strip,
            Set.copyOf(roles), Set.copyOf(scopes), Set.copyOf(allowGroups), Set.copyOf(denyGroups), opa, tenant);
        // An external decision may well be taken for anonymous callers (by address, header, time): auth: none stays allowed.
        if (auth == AuthMode.NONE && new RoutePolicy(auth, required, claimMatch, forward, strip, roles, scopes, allowGroups,
            denyGroups, null, tenant).hasRules()) {
            authNode.problem("is none, but the route's claims, authorization or tenant rules need an authenticated caller");
        }
        return policy;
    }

    /**
     * A {@code claims.match} value: one value or a list of them, each a literal or a template.
     * A list must name at least one value and none twice.
     */
    private static List<String> accepted(ConfigNode value, RouteDefinition.Match match) {
        if (!(value.raw() instanceof List<?> list)) {
            String template = template(value, match);
            return template == null ? List.of() : List.of(template);
        }
        if (list.isEmpty()) {
            value.problem("must name at least one accepted value");
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (ConfigNode element : value.elements()) {
            String template = template(element, match);
            if (template != null && !out.add(template)) {
                element.problem("repeats '" + template + "'");
            }
        }
        return List.copyOf(out);
    }

    /**
     * Whether a claim value could pass a {@code claims.match} rule on some request: equal to a
     * literal, or of the shape of a template, each path variable standing for one path segment.
     *
     * @param accepted the rule's values
     * @param value    a claim value
     * @return whether some path could make the rule accept it
     */
    public static boolean couldAccept(List<String> accepted, String value) {
        for (String template : accepted) {
            Matcher m = VARIABLE.matcher(template);
            StringBuilder regex = new StringBuilder();
            int last = 0;
            while (m.find()) {
                regex.append(Pattern.quote(template.substring(last, m.start()))).append("[^/]+");
                last = m.end();
            }
            regex.append(Pattern.quote(template.substring(last)));
            if (Pattern.matches(regex.toString(), value)) {
                return true;
            }
        }
        return false;
    }

    /** A route's {@code tenant}: {@value #ANY_TENANT} alone, or a template; a {@code *} within a tenant is a mistake. */
    private static String tenant(ConfigNode value, RouteDefinition.Match match) {
        if (ANY_TENANT.equals(value.raw())) {
            return ANY_TENANT;
        }
        if (value.raw() instanceof String text && text.contains(ANY_TENANT)) {
            value.problem("'" + text + "' contains '*'; write \"*\" alone for callers of any tenant, or name one tenant");
            return null;
        }
        return template(value, match);
    }

    /**
     * @return whether callers of any tenant, and of none, may use the route ({@code tenant: "*"})
     */
    public boolean anyTenant() {
        return ANY_TENANT.equals(tenant);
    }

    /** A value that is a template over the route's path variables, such as {@code "{project}"} or {@code "tenant-{project}"}. */
    private static String template(ConfigNode value, RouteDefinition.Match match) {
        if (value.isMissing()) {
            return null;
        }
        String template = value.requiredString();
        if (template == null) {
            return null;
        }
        if (template.isEmpty()) {
            value.problem("must not be empty");
            return null;
        }
        Matcher m = VARIABLE.matcher(template);
        while (m.find()) {
            if (match != null && !match.path().variableNames().contains(m.group(1))) {
                value.problem("uses {" + m.group(1) + "} but match.path has no such variable (it has: "
                    + (match.path().variableNames().isEmpty() ? "none" : String.join(", ", match.path().variableNames())) + ")");
            }
        }
        return template;
    }

    /**
     * @return the tenant when it is a literal (no path variable, not {@value #ANY_TENANT}): the tenant that owns the route
     */
    public String literalTenant() {
        return tenant == null || anyTenant() || VARIABLE.matcher(tenant).find() ? null : tenant;
    }

    private static Opa opa(ConfigNode node) {
        if (node.isMissing()) {
            return null;
        }
        ConfigNode pathNode = node;
        Boolean failureModeAllow = null;
        Boolean forwardCredentials = null;
        if (node.raw() instanceof Map<?, ?>) {
            node.allowOnly("path", "failure-mode-allow", "forward-credentials");
            pathNode = node.get("path");
            if (!node.get("failure-mode-allow").isMissing()) {
                failureModeAllow = node.get("failure-mode-allow").bool(false);
            }
            if (!node.get("forward-credentials").isMissing()) {
                forwardCredentials = node.get("forward-credentials").bool(false);
            }
        }
        String path = pathNode.requiredString();
        if (path == null) {
            return null;
        }
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (!OPA_PATH.matcher(trimmed).matches()) {
            pathNode.problem("'" + path + "' is not an OPA data path such as gatehouse/routes/allow "
                + "(package and rule, separated by '/', of letters, digits and '_')");
            return null;
        }
        return new Opa(trimmed, failureModeAllow, forwardCredentials);
    }

    /** Kong's acl plugin: exactly one of allow and deny, so that no order between them has to be learnt. */
    private static void groups(ConfigNode groups, Set<String> allow, Set<String> deny) {
        if (groups.isMissing()) {
            return;
        }
        if (!(groups.raw() instanceof Map<?, ?>)) {
            groups.problem("must be a map with allow or deny, a list of group names");
            return;
        }
        groups.allowOnly("allow", "deny");
        ConfigNode allowNode = groups.get("allow");
        ConfigNode denyNode = groups.get("deny");
        if (allowNode.isMissing() == denyNode.isMissing()) {
            groups.problem(allowNode.isMissing() ? "needs allow or deny, a list of group names"
                : "has both allow and deny; give one of them (an allow list already denies every other group)");
            return;
        }
        ConfigNode list = allowNode.isMissing() ? denyNode : allowNode;
        List<String> names = names(list, "a group name");
        if (list.raw() instanceof List<?> empty && empty.isEmpty()) {
            list.problem("must name at least one group");
        }
        (allowNode.isMissing() ? deny : allow).addAll(names);
    }

    private static List<String> names(ConfigNode node, String what) {
        List<String> out = new ArrayList<>();
        for (ConfigNode element : node.elements()) {
            String name = element.string(null);
            if (name == null || name.isEmpty()) {
                element.problem("must be " + what + ", not empty");
            } else {
                out.add(name);
            }
        }
        return out;
    }
}
