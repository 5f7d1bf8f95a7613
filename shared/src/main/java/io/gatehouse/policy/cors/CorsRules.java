package io.gatehouse.policy.cors;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.policy.ResponseHead;
import io.gatehouse.route.RouteDefinition;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route's {@code cors} key, read once when the route loads:
 * <pre>
 * cors:
 *   origins: [https://app.example.com, "https://*.example.com", "http://localhost:*"]   # or ["*"]
 *   methods: [GET, POST]          # what a preflight may ask for; default: the route's match.methods, else
 *                                 # GET, HEAD, PUT, PATCH, POST, DELETE; "*" allows any
 *   headers: [Authorization, Content-Type]   # request headers a preflight may ask for; default (or "*"): any
 *   expose-headers: [X-Request-ID]           # response headers scripts may read
 *   credentials: true             # cookies and Authorization; never with origins "*"
 *   max-age: 10m                  # how long a browser may cache a preflight answer (seconds, or with a unit)
 * </pre>
 * An origin is {@code scheme://host[:port]}, compared without case and without the scheme's
 * default port; {@code *.} as the host's first label stands for one or more labels
 * ({@code https://*.example.com} matches {@code https://a.example.com} and
 * {@code https://a.b.example.com}, not {@code https://example.com}); {@code :*} stands for any
 * port. {@code null} (the origin of sandboxed documents and {@code file:} pages) cannot be listed.
 */
final class CorsRules {

    /** The route key. */
    static final String KEY = "cors";

    /** The methods a preflight may ask for when neither {@code cors.methods} nor the route's {@code match.methods} say. */
    static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE");

    /** The longest {@code max-age} accepted, in seconds: no browser caches a preflight for longer (Firefox: 24 h). */
    static final long MAX_AGE_LIMIT_SECONDS = 86_400;

    static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
    static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
    static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
    static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
    static final String MAX_AGE = "Access-Control-Max-Age";
    static final String REQUEST_METHOD = "Access-Control-Request-Method";
    static final String REQUEST_HEADERS = "Access-Control-Request-Headers";

    /** Every {@code Access-Control-*} header a response can carry: on a {@code cors} route only the gateway sets them. */
    static final List<String> RESPONSE_HEADERS = List.of(ALLOW_ORIGIN, ALLOW_CREDENTIALS, EXPOSE_HEADERS, ALLOW_METHODS,
        ALLOW_HEADERS, MAX_AGE, "Access-Control-Allow-Private-Network");

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** {@code scheme://host[:port]}: a reg-name (optionally starting with {@code *.}) or an IPv6 literal. */
    private static final Pattern ORIGIN = Pattern.compile(
        "([a-z][a-z0-9+.-]*)://(\\*\\.)?([a-z0-9_~-]+(?:\\.[a-z0-9_~-]+)*|\\[[0-9a-f:.]+])(?::([0-9]{1,5}|\\*))?");

    private final boolean anyOrigin;
    private final Set<String> origins;
    private final List<OriginPattern> patterns;
    private final boolean anyMethod;
    private final Set<String> methods;
    private final String allowMethods;
    private final boolean anyHeader;
    private final Set<String> headers;
    private final String allowHeaders;
    private final @Nullable String exposeHeaders;
    private final boolean credentials;
    private final @Nullable String maxAge;

    private CorsRules(boolean anyOrigin, Set<String> origins, List<OriginPattern> patterns, boolean anyMethod, Set<String> methods,
                      boolean anyHeader, Set<String> headers, @Nullable String exposeHeaders, boolean credentials,
                      @Nullable String maxAge) {
        this.anyOrigin = anyOrigin;
        this.origins = Set.copyOf(origins);
        this.patterns = List.copyOf(patterns);
        this.anyMethod = anyMethod;
        this.methods = Set.copyOf(methods);
        this.allowMethods = String.join(", ", methods);
        this.anyHeader = anyHeader;
        this.headers = Set.copyOf(headers.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
        this.allowHeaders = String.join(", ", headers);
        this.exposeHeaders = exposeHeaders;
        this.credentials = credentials;
        this.maxAge = maxAge;
    }

    /**
     * One origin pattern: {@code scheme://*.suffix[:port]}, or any port.
     *
     * @param prefix what the origin starts with ({@code https://})
     * @param suffix what its host ends with, dot included ({@code .example.com}), or {@code null} for an exact host
     * @param host   the exact host when {@code suffix} is {@code null}
     * @param port   the port with its colon ({@code :8443}), empty for the default port, or {@code null} for any
     */
    private record OriginPattern(String prefix, @Nullable String suffix, @Nullable String host, @Nullable String port) {

        boolean matches(String origin) {
            if (!origin.startsWith(prefix)) {
                return false;
            }
            int hostEnd = hostEnd(origin, prefix.length());
            String originHost = origin.substring(prefix.length(), hostEnd);
            String originPort = origin.substring(hostEnd);
            if (port != null && !port.equals(originPort)) {
                return false;
            }
            if (suffix == null) {
                return originHost.equals(host);
            }
            return originHost.length() > suffix.length() && originHost.endsWith(suffix) && originHost.charAt(0) != '.';
        }

        private static int hostEnd(String origin, int from) {
            if (from < origin.length() && origin.charAt(from) == '[') {
                int close = origin.indexOf(']', from);
                return close < 0 ? origin.length() : close + 1;
            }
            int colon = origin.indexOf(':', from);
            return colon < 0 ? origin.length() : colon;
        }
    }

    /**
     * @param route a route's definition (validated when it loaded)
     * @return its rules, or {@code null} when it has no {@code cors} key
     */
    static @Nullable CorsRules of(RouteDefinition route) {
        Object raw = route.policies().get(KEY);
        if (raw == null) {
            return null;
        }
        // Problems were reported when the route loaded; a route with any does not come into force.
        return parse(ConfigNode.root("route " + route.id(), Map.of(KEY, raw), new ArrayList<>()).get(KEY), route.match());
    }

    /**
     * Reads the key, recording every problem on the node.
     *
     * @param node  the {@code cors} node
     * @param match the route's matchers, or {@code null} when they are invalid
     * @return the rules, or {@code null} when the key is missing
     */
    static @Nullable CorsRules parse(ConfigNode node, RouteDefinition.@Nullable Match match) {
        if (node.isMissing()) {
            return null;
        }
        if (!(node.raw() instanceof Map<?, ?>)) {
            node.problem("must be a map such as { origins: [https://app.example.com] }");
            return null;
        }
        node.allowOnly("origins", "methods", "headers", "expose-headers", "credentials", "max-age");
        boolean credentials = node.get("credentials").bool(false);

        ConfigNode originsNode = node.get("origins");
        if (originsNode.isMissing()) {
            originsNode.problem("is required: the origins allowed, such as [https://app.example.com] or [\"*\"]");
        }
        boolean anyOrigin = false;
        Set<String> origins = new LinkedHashSet<>();
        List<OriginPattern> patterns = new ArrayList<>();
        for (ConfigNode element : originsNode.elements()) {
            String text = element.string(null);
            if (text == null || text.isEmpty()) {
                element.problem("must not be blank");
                continue;
            }
            if (text.equals("*")) {
                if (credentials) {
                    element.problem("'*' cannot be used with credentials: true (browsers refuse it); list the origins, "
                        + "patterns such as https://*.example.com included");
                }
                anyOrigin = true;
                continue;
            }
            origin(element, text, origins, patterns);
        }
        if (anyOrigin && (!origins.isEmpty() || !patterns.isEmpty())) {
            originsNode.problem("'*' allows every origin; list it alone");
        }

        boolean anyMethod = false;
        Set<String> methods = new LinkedHashSet<>();
        ConfigNode methodsNode = node.get("methods");
        for (ConfigNode element : methodsNode.elements()) {
            String method = element.string("");
            if (method.equals("*")) {
                anyMethod = true;
            } else if (TOKEN.matcher(method).matches()) {
                methods.add(method.toUpperCase(Locale.ROOT));
            } else {
                element.problem("must be an HTTP method such as GET, or '*', not '" + method + "'");
            }
        }
        if (methodsNode.isMissing()) {
            if (match != null && !match.methods().isEmpty()) {
                // Sorted: the route's set has no order of its own, and the header should not change between starts.
                Set<String> routeMethods = new TreeSet<>(match.methods());
                if (routeMethods.contains("GET")) {
                    routeMethods.add("HEAD");
                }
                methods.addAll(routeMethods);
            } else {
                methods.addAll(DEFAULT_METHODS);
            }
        }

        ConfigNode headersNode = node.get("headers");
        boolean anyHeader = headersNode.isMissing();
        Set<String> headers = new LinkedHashSet<>();
        for (ConfigNode element : headersNode.elements()) {
            String header = element.string("");
            if (header.equals("*")) {
                anyHeader = true;
            } else if (TOKEN.matcher(header).matches()) {
                headers.add(header);
            } else {
                element.problem("must be a header name, or '*', not '" + header + "'");
            }
        }

        List<String> expose = new ArrayList<>();
        for (ConfigNode element : node.get("expose-headers").elements()) {
            String header = element.string("");
            if (header.equals("*") && credentials) {
                element.problem("'*' cannot be used with credentials: true (browsers read it as a header named '*'); "
                    + "list the headers");
            } else if (!header.equals("*") && !TOKEN.matcher(header).matches()) {
                element.problem("must be a header name, not '" + header + "'");
            } else {
                expose.add(header);
            }
        }

        String maxAge = maxAge(node.get("max-age"));
        return new CorsRules(anyOrigin, origins, patterns, anyMethod, methods, anyHeader, headers,
            expose.isEmpty() ? null : String.join(", ", expose), credentials, maxAge);
    }

    private static void origin(ConfigNode element, String text, Set<String> origins, List<OriginPattern> patterns) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("null")) {
            element.problem("'null' is the origin of every sandboxed document and file: page; it cannot be allowed");
            return;
        }
        Matcher m = ORIGIN.matcher(lower);
        if (!m.matches()) {
            element.problem("must be an origin such as https://app.example.com, https://*.example.com or "
                + "http://localhost:8080 (scheme, host and port only; no path), or '*', not '" + text + "'");
            return;
        }
        String scheme = m.group(1);
        boolean wildcardHost = m.group(2) != null;
        String host = m.group(3);
        String port = m.group(4);
        String defaultPort = scheme.equals("https") ? "443" : scheme.equals("http") ? "80" : null;
        String portPart = port == null || port.equals(defaultPort) ? "" : ":" + port;
        if (!wildcardHost && !"*".equals(port)) {
            origins.add(scheme + "://" + host + portPart);
        } else {
            patterns.add(new OriginPattern(scheme + "://", wildcardHost ? "." + host : null, wildcardHost ? null : host,
                "*".equals(port) ? null : portPart));
        }
    }

    private static @Nullable String maxAge(ConfigNode node) {
        String text = node.string(null);
        if (text == null) {
            return null;
        }
        long seconds = text.matches("\\d{1,9}") ? Long.parseLong(text) : node.duration(Duration.ZERO).toSeconds();
        if (seconds < 0 || seconds > MAX_AGE_LIMIT_SECONDS) {
            node.problem("must be between 0 and " + MAX_AGE_LIMIT_SECONDS + " seconds (browsers cache a preflight for "
                + "at most a day), not '" + text + "'");
            return null;
        }
        return Long.toString(seconds);
    }

    /**
     * @param origin a request's {@code Origin}
     * @return whether the route allows it
     */
    boolean allowsOrigin(String origin) {
        if (anyOrigin || origins.contains(origin)) {
            return true;
        }
        String lower = origin.toLowerCase(Locale.ROOT);
        if (!lower.equals(origin) && origins.contains(lower)) {
            return true;
        }
        for (OriginPattern pattern : patterns) {
            if (pattern.matches(lower)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return whether every origin is allowed (without credentials): {@code Access-Control-Allow-Origin: *}
     */
    boolean anyOrigin() {
        return anyOrigin;
    }

    /**
     * @param method a preflight's {@code Access-Control-Request-Method}
     * @return whether the route allows it
     */
    boolean allowsMethod(String method) {
        return anyMethod || methods.contains(method);
    }

    /**
     * @param requested a preflight's {@code Access-Control-Request-Headers}, or {@code null}
     * @return whether the route allows every header it names
     */
    boolean allowsHeaders(@Nullable String requested) {
        if (anyHeader || requested == null) {
            return true;
        }
        for (String name : requested.split(",")) {
            String header = name.strip();
            if (!header.isEmpty() && !headers.contains(header.toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The headers of an admitted preflight.
     *
     * @param origin           its {@code Origin}
     * @param requestedMethod  its {@code Access-Control-Request-Method}
     * @param requestedHeaders its {@code Access-Control-Request-Headers}, or {@code null}
     * @param out              where to add them
     */
    void preflightHeaders(String origin, String requestedMethod, @Nullable String requestedHeaders,
                          List<Map.Entry<String, String>> out) {
        out.add(Map.entry(ALLOW_ORIGIN, anyOrigin ? "*" : origin));
        if (credentials) {
            out.add(Map.entry(ALLOW_CREDENTIALS, "true"));
        }
        out.add(Map.entry(ALLOW_METHODS, anyMethod ? requestedMethod : allowMethods));
        if (requestedHeaders != null && !requestedHeaders.isBlank()) {
            out.add(Map.entry(ALLOW_HEADERS, anyHeader ? requestedHeaders : allowHeaders));
        }
        if (maxAge != null) {
            out.add(Map.entry(MAX_AGE, maxAge));
        }
    }

    /**
     * Sets the headers of an actual (not preflight) response.
     *
     * @param origin   the request's {@code Origin}, or {@code null}
     * @param response the response
     */
    void actualHeaders(@Nullable String origin, ResponseHead response) {
        if (anyOrigin) {
            response.setFixed(ALLOW_ORIGIN, "*");
        } else {
            vary(response, "Origin");
            if (origin == null || !allowsOrigin(origin)) {
                return;
            }
            response.set(ALLOW_ORIGIN, origin);
            if (credentials) {
                response.setFixed(ALLOW_CREDENTIALS, "true");
            }
        }
        if (exposeHeaders != null) {
            response.setFixed(EXPOSE_HEADERS, exposeHeaders);
        }
    }

    /**
     * Adds a name to {@code Vary} unless it is there already (or {@code Vary: *} is).
     *
     * @param response the response
     * @param name     the request header the response varies by
     */
    static void vary(ResponseHead response, String name) {
        for (String value : response.headers("Vary")) {
            for (String token : value.split(",")) {
                String t = token.strip();
                if (t.equals("*") || t.equalsIgnoreCase(name)) {
                    return;
                }
            }
        }
        response.add("Vary", name);
    }
}
