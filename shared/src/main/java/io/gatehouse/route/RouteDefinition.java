package io.gatehouse.route;

import io.gatehouse.config.ConfigNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One route as configured under {@code routes[]}: what it matches, where it forwards and how.
 *
 * @param id         a unique id
 * @param match      the matchers
 * @param priority   explicit priority; higher wins before any other rule
 * @param rewrite    how the upstream path is computed
 * @param upstream   the upstream's name
 * @param hostHeader {@code preserve}, {@code upstream} (the default) or a literal host
 * @param timeouts   connect, response and idle timeouts
 * @param retries    retry policy for idempotent requests
 * @param streaming  whether the route streams (SSE, large bodies); served by the container only
 * @param websocket  whether the route proxies WebSocket upgrades; container only
 * @param webSocket  WebSocket frame and message limits
 * @param policies   policies attached by later features (auth, limits, cors, cache, transforms), as configured
 * @param source     where it was defined: a file path, {@code application configuration} or {@code admin API}
 */
public record RouteDefinition(
    String id,
    Match match,
    int priority,
    Rewrite rewrite,
    String upstream,
    String hostHeader,
    Timeouts timeouts,
    Retries retries,
    boolean streaming,
    boolean websocket,
    WebSocketLimits webSocket,
    Map<String, Object> policies,
    String source) {

    /** Keys a route accepts for policies that later features interpret. */
    public static final List<String> POLICY_KEYS = List.of("auth", "claims", "limits", "cors", "cache", "transforms", "authorization",
        "tenant", "validate", "idempotency", "security-headers", "request-limits");

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * The matchers; all present ones must match.
     *
     * @param path    the path pattern
     * @param hosts   hosts ({@code api.example.com} or {@code *.example.com}); empty matches any
     * @param methods methods; empty matches any
     * @param headers header matchers by lower-case name
     * @param query   query parameter matchers by name
     */
    public record Match(PathPattern path, List<String> hosts, Set<String> methods,
                        Map<String, ValueMatcher> headers, Map<String, ValueMatcher> query) {

        /**
         * @return how many matchers besides the path are set, for the priority rule
         */
        public int conditions() {
            return (hosts.isEmpty() ? 0 : 1) + (methods.isEmpty() ? 0 : 1) + headers.size() + query.size();
        }
    }

    /**
     * How the upstream path is computed from the request path.
     *
     * @param stripPrefix   drop what the pattern matched before {@code **}
     * @param stripSegments drop this many leading segments
     * @param template      a path template using the route's variables and {@code {**}}, or {@code null}
     * @param regex         a regular expression replaced in the path, or {@code null}
     * @param replacement   the replacement for {@code regex}
     */
    public record Rewrite(boolean stripPrefix, int stripSegments, String template, Pattern regex, String replacement) {
        static final Rewrite NONE = new Rewrite(false, 0, null, null, null);
    }

    /**
     * Timeouts towards the upstream.
     *
     * @param connect  to open a connection
     * @param response to the first byte of the response
     * @param idle     between two reads once the response started (streams included)
     */
    public record Timeouts(Duration connect, Duration response, Duration idle) {
        /** Defaults: connect 5 s, response 60 s, idle 60 s. */
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60));
    }

    /**
     * Retries; only idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) are retried.
     *
     * @param attempts   retries after the first try
     * @param backoff    wait before the first retry, doubled each time
     * @param maxBackoff the longest wait
     * @param onStatuses upstream statuses that are retried besides connect failures
     */
    public record Retries(int attempts, Duration backoff, Duration maxBackoff, Set<Integer> onStatuses) {
        /** Default: one retry, after 25 ms, on connect failure only. */
        public static final Retries DEFAULT = new Retries(1, Duration.ofMillis(25), Duration.ofSeconds(1), Set.of());
    }

    /**
     * WebSocket limits.
     *
     * @param maxFrameSize   the largest frame payload, in bytes
     * @param maxMessageSize the largest message (fragments together), in bytes
     */
    public record WebSocketLimits(int maxFrameSize, int maxMessageSize) {
        /** Defaults: 64 KiB frames, 1 MiB messages. */
        public static final WebSocketLimits DEFAULT = new WebSocketLimits(65_536, 1_048_576);
    }

    /**
     * Reads a route from configuration, recording every problem.
     *
     * @param node   its configuration
     * @param source where it was defined
     * @return the definition, or {@code null} when unusable
     */
    public static RouteDefinition parse(ConfigNode node, String source) {
        List<String> known = new ArrayList<>(List.of("id", "match", "priority", "strip-prefix", "rewrite", "upstream",
            "host-header", "timeouts", "retries", "streaming", "websocket", "websocket-limits"));
        known.addAll(POLICY_KEYS);
        node.allowOnly(known.toArray(String[]::new));
        String id = node.get("id").requiredString();
        if (id != null && !ID.matcher(id).matches()) {
            node.get("id").problem("must be 1-128 characters of letters, digits, '.', '_' or '-' starting with a letter or digit");
        }
        Match match = match(node.get("match"));
        int priority = node.get("priority").integer(0, -1_000_000, 1_000_000);
        Rewrite rewrite = rewrite(node, match);
        String upstream = node.get("upstream").requiredString();
        String hostHeader = node.get("host-header").string("upstream");
        Map<String, Object> policies = new LinkedHashMap<>();
        for (String key : POLICY_KEYS) {
            if (!node.get(key).isMissing()) {
                policies.put(key, node.get(key).raw());
            }
        }
        boolean websocket = node.get("websocket").bool(false);
        PolicyValidator.validateAll(node, match);
        if (id == null || match == null) {
            return null;
        }
        return new RouteDefinition(id, match, priority, rewrite, upstream, hostHeader, timeouts(node.get("timeouts")),
            retries(node.get("retries")), node.get("streaming").bool(false) || websocket, websocket,
            limits(node.get("websocket-limits")), Map.copyOf(policies), source);
    }

    private static Match match(ConfigNode node) {
        if (node.isMissing()) {
            node.problem("is required: a route needs at least match.path");
            return null;
        }
        node.allowOnly("path", "host", "hosts", "methods", "headers", "query");
        String pathText = node.get("path").requiredString();
        PathPattern path = null;
        if (pathText != null) {
            try {
                path = PathPattern.parse(pathText);
            } catch (IllegalArgumentException e) {
                node.get("path").problem("'" + pathText + "' " + e.getMessage());
            }
        }
        List<String> hosts = new ArrayList<>();
        for (String key : List.of("host", "hosts")) {
            node.get(key).list(n -> n.string(null)).forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
        }
        Set<String> methods = new LinkedHashSet<>();
        node.get("methods").list(n -> n.string(null)).forEach(m -> methods.add(m.toUpperCase(Locale.ROOT)));
        Map<String, ValueMatcher> headers = matchers(node.get("headers"), true);
        Map<String, ValueMatcher> query = matchers(node.get("query"), false);
        return path == null ? null : new Match(path, List.copyOf(hosts), Set.copyOf(methods), headers, query);
    }

    private static Map<String, ValueMatcher> matchers(ConfigNode node, boolean lowerCaseNames) {
        Map<String, ValueMatcher> out = new LinkedHashMap<>();
        node.entries().forEach((name, value) -> {
            String spec = value.string("*");
            try {
                out.put(lowerCaseNames ? name.toLowerCase(Locale.ROOT) : name, ValueMatcher.parse(spec));
            } catch (PatternSyntaxException e) {
                value.problem("invalid regular expression: " + e.getDescription());
            }
        });
        return Map.copyOf(out);
    }

    private static Rewrite rewrite(ConfigNode node, Match match) {
        ConfigNode strip = node.get("strip-prefix");
        boolean stripPrefix = false;
        int stripSegments = 0;
        if (!strip.isMissing()) {
            String text = strip.string("false");
            if (text.matches("\\d+")) {
                stripSegments = strip.integer(0, 0, 64);
            } else {
                stripPrefix = strip.bool(false);
            }
        }
        ConfigNode rewrite = node.get("rewrite");
        if (rewrite.isMissing()) {
            return stripPrefix || stripSegments > 0 ? new Rewrite(stripPrefix, stripSegments, null, null, null) : Rewrite.NONE;
        }
        if (rewrite.raw() instanceof Map<?, ?>) {
            rewrite.allowOnly("regex", "replacement");
            String regex = rewrite.get("regex").requiredString();
            String replacement = rewrite.get("replacement").string("");
            try {
                return new Rewrite(stripPrefix, stripSegments, null, regex == null ? null : Pattern.compile(regex), replacement);
            } catch (PatternSyntaxException e) {
                rewrite.get("regex").problem("invalid regular expression: " + e.getDescription());
                return Rewrite.NONE;
            }
        }
        String template = rewrite.string(null);
        if (template != null && !template.startsWith("/")) {
            rewrite.problem("a path template must start with '/'");
        }
        if (template != null && match != null) {
            var m = Pattern.compile("\\{([^}]+)}").matcher(template);
            while (m.find()) {
                String name = m.group(1);
                if (!name.equals("**") && !match.path().variableNames().contains(name)) {
                    rewrite.problem("uses {" + name + "} but match.path has no such variable");
                }
            }
        }
        return new Rewrite(stripPrefix, stripSegments, template, null, null);
    }

    private static Timeouts timeouts(ConfigNode node) {
        Timeouts d = Timeouts.DEFAULT;
        node.allowOnly("connect", "response", "idle");
        return new Timeouts(node.get("connect").duration(d.connect()), node.get("response").duration(d.response()),
            node.get("idle").duration(d.idle()));
    }

    private static Retries retries(ConfigNode node) {
        Retries d = Retries.DEFAULT;
        if (node.isMissing()) {
            return d;
        }
        if (!(node.raw() instanceof Map<?, ?>)) {
            return new Retries(node.integer(d.attempts(), 0, 10), d.backoff(), d.maxBackoff(), d.onStatuses());
        }
        node.allowOnly("attempts", "backoff", "max-backoff", "on-statuses");
        Set<Integer> statuses = new LinkedHashSet<>();
        node.get("on-statuses").list(n -> n.integer(0, 500, 599)).forEach(s -> {
            if (s > 0) {
                statuses.add(s);
            }
        });
        return new Retries(node.get("attempts").integer(d.attempts(), 0, 10), node.get("backoff").duration(d.backoff()),
            node.get("max-backoff").duration(d.maxBackoff()), Set.copyOf(statuses));
    }

    private static WebSocketLimits limits(ConfigNode node) {
        WebSocketLimits d = WebSocketLimits.DEFAULT;
        node.allowOnly("max-frame-size", "max-message-size");
        return new WebSocketLimits(node.get("max-frame-size").integer(d.maxFrameSize(), 125, 64 * 1024 * 1024),
            node.get("max-message-size").integer(d.maxMessageSize(), 125, 256 * 1024 * 1024));
    }
}
