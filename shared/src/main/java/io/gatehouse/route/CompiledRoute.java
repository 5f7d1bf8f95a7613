package io.gatehouse.route;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route ready to match: its definition plus the matchers it compiled to.
 */
public final class CompiledRoute {

    private static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\{([^}]+)}");

    private final RouteDefinition definition;
    private final int order;

    CompiledRoute(RouteDefinition definition, int order) {
        this.definition = definition;
        this.order = order;
    }

    /**
     * A route that belongs to no route table: the policy of a gateway endpoint (the session API's
     * access rules), checked by the same code as a user's route.
     *
     * @param definition its definition
     * @return the compiled route
     */
    public static CompiledRoute standalone(RouteDefinition definition) {
        return new CompiledRoute(definition, 0);
    }

    /**
     * @return the route's definition
     */
    public RouteDefinition definition() {
        return definition;
    }

    /**
     * @return the route's id
     */
    public String id() {
        return definition.id();
    }

    /**
     * @return its position among all routes as declared, for the last tie-break
     */
    int order() {
        return order;
    }

    /**
     * @param request the request
     * @return the match, or {@code null}
     */
    RouteMatch match(RequestView request) {
        RouteDefinition.Match m = definition.match();
        Set<String> methods = m.methods();
        if (!methods.isEmpty()) {
            String method = preflightMethod(request);
            if (!methods.contains(method) && !("HEAD".equals(method) && methods.contains("GET"))) {
                return null;
            }
        }
        if (!m.hosts().isEmpty() && !hostMatches(request.host())) {
            return null;
        }
        for (Map.Entry<String, ValueMatcher> header : m.headers().entrySet()) {
            if (!header.getValue().matches(request.header(header.getKey()))) {
                return null;
            }
        }
        for (Map.Entry<String, ValueMatcher> query : m.query().entrySet()) {
            var values = request.query(query.getKey());
            if (!query.getValue().matches(values.isEmpty() ? null : values.getFirst())) {
                return null;
            }
        }
        PathPattern.Match pathMatch = m.path().match(request.path());
        return pathMatch == null ? null
            : new RouteMatch(this, pathMatch.variables(), pathMatch.matched(), pathMatch.remainder());
    }

    /**
     * A CORS preflight asks whether the method it names may be sent: on a route with {@code cors} it
     * is matched as that method would be, so that the route the actual request takes answers it.
     */
    private String preflightMethod(RequestView request) {
        String method = request.method();
        if ("OPTIONS".equals(method) && definition.policies().containsKey("cors") && request.header("Origin") != null) {
            String requested = request.header("Access-Control-Request-Method");
            if (requested != null) {
                return requested;
            }
        }
        return method;
    }

    private boolean hostMatches(String host) {
        if (host == null) {
            return false;
        }
        for (String candidate : definition.match().hosts()) {
            if (candidate.startsWith("*.")) {
                if (host.endsWith(candidate.substring(1)) && host.length() > candidate.length() - 1) {
                    return true;
                }
            } else if (candidate.equals(host)) {
                return true;
            }
        }
        return false;
    }

    String rewritePath(String requestPath, RouteMatch match) {
        RouteDefinition.Rewrite rewrite = definition.rewrite();
        String path = requestPath;
        if (rewrite.template() != null) {
            Matcher m = TEMPLATE_VARIABLE.matcher(rewrite.template());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                String value = name.equals("**")
                    ? (match.remainder().startsWith("/") ? match.remainder().substring(1) : match.remainder())
                    : match.variables().getOrDefault(name, "");
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            path = out.toString().replaceAll("/{2,}", "/");
        } else if (rewrite.stripPrefix()) {
            path = match.remainder();
        } else if (rewrite.stripSegments() > 0) {
            path = stripSegments(requestPath, rewrite.stripSegments());
        }
        if (rewrite.regex() != null) {
            path = rewrite.regex().matcher(path).replaceAll(rewrite.replacement());
        }
        return path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
    }

    private static String stripSegments(String path, int count) {
        int pos = 0;
        for (int i = 0; i < count; i++) {
            int next = path.indexOf('/', pos + 1);
            if (next < 0) {
                return "/";
            }
            pos = next;
        }
        return path.substring(pos);
    }

    @Override
    public String toString() {
        return definition.id() + " " + definition.match().path();
    }
}
