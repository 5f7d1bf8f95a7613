package io.gatehouse.migration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.gatehouse.migration.Trees.bool;
import static io.gatehouse.migration.Trees.list;
import static io.gatehouse.migration.Trees.map;
import static io.gatehouse.migration.Trees.number;
import static io.gatehouse.migration.Trees.string;
import static io.gatehouse.migration.Trees.strings;

/**
 * Turns Traefik's dynamic configuration (the file provider's YAML or TOML: {@code http.routers},
 * {@code http.middlewares}, {@code http.services}) into a Gatehouse route file.
 *
 * <ul>
 *   <li>a router becomes a route per alternative of its rule ({@code ||}) and per argument of a
 *       multi-value matcher: {@code PathPrefix(`/p`)} becomes {@code /p/**}, {@code Path} an exact
 *       path, {@code Host}, {@code Method}, {@code Header(s)}, {@code HeaderRegexp} and
 *       {@code Query} their matchers; an explicit {@code priority} is kept;</li>
 *   <li>a {@code stripPrefix} middleware whose prefix is the router's path prefix becomes
 *       {@code strip-prefix: true}; a {@code chain} is followed;</li>
 *   <li>a JWT plugin middleware ({@code secret}, {@code issuers}, {@code require},
 *       {@code headerMap}, {@code forwardToken}, the shape of the widely used jwt-middleware plugin)
 *       becomes {@code auth: jwt} with {@code claims.match}, {@code claims.forward} and
 *       {@code strip-authorization}, and the {@code gateway.jwt.*} settings;</li>
 *   <li>a {@code loadBalancer} service becomes an upstream (servers, health check); Traefik's
 *       default {@code passHostHeader: true} becomes {@code host-header: preserve}.</li>
 * </ul>
 * A claim required to be one of several values ({@code service: [catalog, catalog-v2]}, or
 * {@code $or} over values) becomes a {@code claims.match} list. Everything else is listed as not
 * mapped, with the reason.
 */
public final class TraefikImport {

    /**
     * One parsed file of the dynamic configuration.
     *
     * @param name the file's name
     * @param tree its parsed content
     */
    public record Document(String name, Object tree) {
    }

    private static final Set<String> JWT_KEYS = Set.of("secret", "issuers", "require", "headerMap", "forwardToken", "optional");

    private final RouteFile file;
    private final Map<String, Map<String, Object>> routers = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> middlewares = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> services = new LinkedHashMap<>();
    private final Set<String> routeIds = new HashSet<>();
    private final Set<String> servicesUsed = new HashSet<>();
    private final Map<String, String> jwtSecrets = new LinkedHashMap<>();

    private TraefikImport(String origin) {
        this.file = new RouteFile(origin);
    }

    /**
     * @param documents the dynamic configuration's files, parsed
     * @param origin    what was imported, for the output's header
     * @param skipped   files not read, with why (TOML, for instance)
     * @return the route file
     */
    public static RouteFile convert(List<Document> documents, String origin, Map<String, String> skipped) {
        TraefikImport traefik = new TraefikImport(origin);
        skipped.forEach(traefik.file::unmapped);
        for (Document document : documents) {
            traefik.merge(document);
        }
        traefik.run();
        return traefik.file;
    }

    private void merge(Document document) {
        Map<String, Object> root = map(document.tree());
        root.keySet().stream().filter(k -> !k.equals("http")).forEach(k ->
            file.unmapped(document.name() + ": " + k, "Gatehouse proxies HTTP only (no TCP, UDP or TLS options in a route file)"));
        Map<String, Object> http = map(root.get("http"));
        http.keySet().stream().filter(k -> !Set.of("routers", "middlewares", "services").contains(k)).forEach(k ->
            file.unmapped(document.name() + ": http." + k, "no Gatehouse equivalent in a route file"));
        into(routers, http.get("routers"), document.name(), "routers");
        into(middlewares, http.get("middlewares"), document.name(), "middlewares");
        into(services, http.get("services"), document.name(), "services");
    }

    private void into(Map<String, Map<String, Object>> target, Object section, String document, String kind) {
        map(section).forEach((name, value) -> {
            if (target.containsKey(name)) {
                file.unmapped(document + ": http." + kind + "." + name, "defined in another file too; Traefik refuses the "
                    + "conflict, and the first definition is kept");
            } else {
                target.put(name, map(value));
            }
        });
    }

    private void run() {
        List<String> withEntryPoints = new ArrayList<>();
        routers.forEach((name, router) -> {
            if (router.containsKey("entryPoints")) {
                withEntryPoints.add(name);
            }
            router(name, router);
        });
        if (!withEntryPoints.isEmpty()) {
            file.unmapped("routers " + withEntryPoints + ".entryPoints",
                "Gatehouse serves every route on its one listener (micronaut.server.port); TLS terminates in front of it");
        }
        services.forEach((name, service) -> {
            if (!servicesUsed.contains(name)) {
                file.unmapped("services." + name, "no router uses it");
            }
        });
    }

    private void router(String routerName, Map<String, Object> router) {
        String where = "routers." + routerName;
        String rule = string(router.get("rule"), null);
        if (rule == null) {
            file.unmapped(where, "has no rule");
            return;
        }
        TraefikRule parsed;
        try {
            parsed = TraefikRule.parse(rule);
        } catch (IllegalArgumentException e) {
            file.unmapped(where + ".rule", "'" + rule + "': " + e.getMessage() + "; the router is left out");
            return;
        }
        String serviceName = stripProvider(string(router.get("service"), null));
        String upstream = upstream(serviceName, where);
        if (upstream == null) {
            return;
        }
        if (router.containsKey("tls")) {
            file.unmapped(where + ".tls", "TLS terminates in front of Gatehouse (a load balancer or API Gateway)");
        }
        List<String> chain = new ArrayList<>();
        for (String m : strings(router.get("middlewares"))) {
            expand(m, chain, where, new HashSet<>());
        }
        for (List<TraefikRule.Matcher> alternative : parsed.alternatives()) {
            List<Map<String, Object>> matches = matches(alternative, where, rule);
            for (Map<String, Object> match : matches) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", RouteFile.unique(routeIds, RouteFile.name(routerName)));
                body.put("match", match);
                Long priority = number(router.get("priority"));
                if (priority != null && priority != 0) {
                    body.put("priority", Math.max(-1_000_000, Math.min(1_000_000, priority)));
                }
                body.put("upstream", upstream);
                if (bool(map(services.get(serviceName).get("loadBalancer")).get("passHostHeader"), true)) {
                    body.put("host-header", "preserve");
                }
                List<String> comments = new ArrayList<>();
                comments.add("Traefik router " + routerName + ": " + rule);
                for (String middleware : chain) {
                    middleware(middleware, body, comments, match);
                }
                file.route(body, comments);
            }
        }
    }

    private String upstream(String serviceName, String where) {
        if (serviceName == null) {
            file.unmapped(where, "has no service");
            return null;
        }
        Map<String, Object> service = services.get(serviceName);
        if (service == null) {
            file.unmapped(where + ".service", "'" + serviceName + "' is not defined in these files (another provider's service?); "
                + "the router is left out");
            return null;
        }
        servicesUsed.add(serviceName);
        String name = RouteFile.name(serviceName);
        if (file.hasUpstream(name)) {
            return name;
        }
        String at = "services." + serviceName;
        for (String kind : List.of("weighted", "mirroring", "failover")) {
            if (service.containsKey(kind)) {
                file.unmapped(at + "." + kind, "Gatehouse balances over one upstream's targets; a " + kind + " service is left out, "
                    + "and so are its routers");
                return null;
            }
        }
        Map<String, Object> loadBalancer = map(service.get("loadBalancer"));
        List<Object> targets = new ArrayList<>();
        for (Object server : list(loadBalancer.get("servers"))) {
            String url = string(map(server).get("url"), null);
            if (url == null) {
                file.unmapped(at + ".loadBalancer.servers", "a server without url");
                continue;
            }
            Long weight = number(map(server).get("weight"));
            if (weight == null) {
                targets.add(url);
            } else {
                // url first, as the docs write a target; Map.of would iterate in no fixed order.
                Map<String, Object> target = new LinkedHashMap<>();
                target.put("url", url);
                target.put("weight", weight);
                targets.add(target);
            }
        }
        if (targets.isEmpty()) {
            file.unmapped(at, "no servers; its routers are left out");
            return null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("targets", targets);
        if (targets.stream().anyMatch(t -> t instanceof Map<?, ?>)) {
            body.put("load-balancer", "weighted");
        }
        Map<String, Object> health = map(loadBalancer.get("healthCheck"));
        if (!health.isEmpty()) {
            Map<String, Object> check = new LinkedHashMap<>();
            if (health.get("path") != null) {
                check.put("path", string(health.get("path"), "/"));
            }
            for (String key : List.of("interval", "timeout")) {
                if (health.get(key) != null) {
                    check.put(key, string(health.get(key), null));
                }
            }
            body.put("health-check", check);
            health.keySet().stream().filter(k -> !Set.of("path", "interval", "timeout").contains(k)).forEach(k ->
                file.unmapped(at + ".loadBalancer.healthCheck." + k, "Gatehouse probes GET <path> on each target and wants a 2xx"));
        }
        loadBalancer.keySet().stream().filter(k -> !Set.of("servers", "healthCheck", "passHostHeader").contains(k)).forEach(k ->
            file.unmapped(at + ".loadBalancer." + k, k.equals("sticky")
                ? "no sticky cookies; load-balancer: consistent-hash with hash-on: header:<name> or claim:<name> keeps a caller on a target"
                : "no Gatehouse equivalent"));
        file.upstream(name, body, List.of());
        return name;
    }

    private List<Map<String, Object>> matches(List<TraefikRule.Matcher> matchers, String where, String rule) {
        List<String> paths = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        Map<String, Object> headers = new LinkedHashMap<>();
        Map<String, Object> query = new LinkedHashMap<>();
        int pathMatchers = 0;
        for (TraefikRule.Matcher matcher : matchers) {
            List<String> args = matcher.arguments();
            switch (matcher.name()) {
                case "PathPrefix" -> {
                    pathMatchers++;
                    args.forEach(p -> paths.add(p.equals("/") ? "/**" : p.endsWith("/") ? p + "**" : p + "/**"));
                }
                case "Path" -> {
                    pathMatchers++;
                    for (String p : args) {
                        if (p.contains("{") && p.contains(":")) {
                            file.unmapped(where + ".rule", "Path(`" + p + "`) has a regular expression in a variable; "
                                + "the router is left out");
                            return List.of();
                        }
                        paths.add(p);
                    }
                }
                case "Host" -> hosts.addAll(args);
                case "Method" -> methods.addAll(args);
                case "Header", "Headers" -> {
                    if (args.size() == 2) {
                        headers.put(args.get(0), args.get(1));
                    }
                }
                case "HeaderRegexp", "HeadersRegexp" -> {
                    if (args.size() == 2) {
                        headers.put(args.get(0), "~" + args.get(1));
                    }
                }
                case "Query" -> {
                    if (args.size() == 2) {
                        query.put(args.get(0), args.get(1));
                    } else {
                        for (String pair : args) {
                            int eq = pair.indexOf('=');
                            query.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "*" : pair.substring(eq + 1));
                        }
                    }
                }
                default -> {
                    file.unmapped(where + ".rule", matcher.name() + " in '" + rule + "' has no Gatehouse matcher; the router is "
                        + "left out");
                    return List.of();
                }
            }
        }
        if (pathMatchers > 1) {
            file.unmapped(where + ".rule", "'" + rule + "' combines two path matchers with &&; the router is left out");
            return List.of();
        }
        if (paths.isEmpty()) {
            paths.add("/**");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String path : paths) {
            Map<String, Object> match = new LinkedHashMap<>();
            match.put("path", path);
            if (!hosts.isEmpty()) {
                match.put("hosts", List.copyOf(hosts));
            }
            if (!methods.isEmpty()) {
                match.put("methods", List.copyOf(methods));
            }
            if (!headers.isEmpty()) {
                match.put("headers", new LinkedHashMap<>(headers));
            }
            if (!query.isEmpty()) {
                match.put("query", new LinkedHashMap<>(query));
            }
            out.add(match);
        }
        return out;
    }

    private void expand(String reference, List<String> chain, String where, Set<String> seen) {
        String name = stripProvider(reference);
        if (!reference.equals(name) && !reference.endsWith("@file")) {
            file.unmapped(where + ".middlewares." + reference, "another provider's middleware; not in these files");
            return;
        }
        Map<String, Object> middleware = middlewares.get(name);
        if (middleware == null) {
            file.unmapped(where + ".middlewares." + name, "not defined in these files");
            return;
        }
        if (middleware.containsKey("chain")) {
            if (!seen.add(name)) {
                return;
            }
            for (String inner : strings(map(middleware.get("chain")).get("middlewares"))) {
                expand(inner, chain, where, seen);
            }
            return;
        }
        chain.add(name);
    }

    private void middleware(String name, Map<String, Object> body, List<String> comments, Map<String, Object> match) {
        String at = "middlewares." + name;
        Map<String, Object> middleware = middlewares.get(name);
        String route = String.valueOf(body.get("id"));
        if (middleware.containsKey("stripPrefix")) {
            String path = String.valueOf(match.get("path"));
            String prefix = path.endsWith("/**") ? path.substring(0, path.length() - 3) : null;
            List<String> prefixes = strings(map(middleware.get("stripPrefix")).get("prefixes")).stream()
                .map(p -> p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p).toList();
            if (prefix != null && prefixes.contains(prefix)) {
                body.put("strip-prefix", true);
            } else {
                file.unmapped(at + " on route " + route, "strips " + prefixes + " but the route's path is " + path
                    + ": write a rewrite by hand");
            }
        } else if (middleware.containsKey("plugin")) {
            Map<String, Object> plugin = map(middleware.get("plugin"));
            for (Map.Entry<String, Object> entry : plugin.entrySet()) {
                Map<String, Object> config = map(entry.getValue());
                if (config.keySet().stream().anyMatch(JWT_KEYS::contains)) {
                    jwt(at + ".plugin." + entry.getKey(), config, body, route);
                } else {
                    file.unmapped(at + ".plugin." + entry.getKey(), "a Traefik plugin Gatehouse has no equivalent of");
                }
            }
        } else if (middleware.containsKey("rateLimit")) {
            comments.add("limits (not imported, see docs/limits.md): " + new TreeMap<>(map(middleware.get("rateLimit"))));
            file.unmapped(at, "rate limits are not imported (write them as the route's limits, docs/limits.md); kept as a comment on route '" + route + "'");
        } else {
            String kind = middleware.keySet().stream().findFirst().orElse("?");
            file.unmapped(at + " (" + kind + ") on route " + route, switch (kind) {
                case "headers" -> "header transforms and CORS are not built in Gatehouse yet";
                case "basicAuth", "digestAuth" -> "Gatehouse authenticates with API keys, JWTs and sessions only";
                case "forwardAuth" -> "authorization.opa asks an external decision service instead (a different protocol)";
                case "ipAllowList", "ipWhiteList" -> "no client address rules in Gatehouse";
                case "retry" -> "set retries.attempts on the route (Gatehouse retries idempotent methods only)";
                case "buffering" -> "gateway.proxy.max-buffered-body bounds the buffered engine only";
                default -> "no Gatehouse equivalent";
            });
        }
    }

    @SuppressWarnings("unchecked")
    private void jwt(String at, Map<String, Object> config, Map<String, Object> body, String route) {
        body.put("auth", "jwt");
        Map<String, Object> claims = (Map<String, Object>) body.computeIfAbsent("claims", k -> new LinkedHashMap<>());
        Map<String, Object> match = new LinkedHashMap<>();
        map(config.get("require")).forEach((claim, value) -> {
            String where = at + ".require." + claim + " on route " + route;
            Object accepted = accepted(value, where);
            if (accepted != null) {
                match.put(claim, accepted);
            }
        });
        if (!match.isEmpty()) {
            claims.put("match", match);
        }
        Map<String, Object> forward = new LinkedHashMap<>();
        map(config.get("headerMap")).forEach((header, claim) -> forward.put(String.valueOf(claim), header));
        if (!forward.isEmpty()) {
            claims.put("forward", forward);
        }
        if (!bool(config.get("forwardToken"), true)) {
            claims.put("strip-authorization", true);
        }
        if (claims.isEmpty()) {
            body.remove("claims");
        }
        String secret = string(config.get("secret"), null);
        if (secret != null) {
            if (jwtSecrets.isEmpty()) {
                file.setting("gateway.jwt.secret", "the secret of " + at, "Traefik JWT plugin");
            }
            boolean first = jwtSecrets.isEmpty() || jwtSecrets.keySet().iterator().next().equals(secret);
            if (jwtSecrets.putIfAbsent(secret, at) == null && !first) {
                file.unmapped(at + ".secret", "differs from the secret of " + jwtSecrets.values().iterator().next()
                    + ": Gatehouse verifies HMAC tokens with one secret (gateway.jwt.secret); move the issuers to one secret or a JWKS");
            }
        }
        List<String> issuers = strings(config.get("issuers"));
        if (!issuers.isEmpty()) {
            file.setting("gateway.jwt.issuers", String.join(",", issuers), "Traefik JWT plugin issuers");
            file.unmapped(at + ".issuers", "Gatehouse does not discover keys from an issuer; set gateway.jwt.jwks-urls to each "
                + "issuer's JWKS URL");
        }
        if (bool(config.get("optional"), false)) {
            file.unmapped(at + ".optional", "a route with auth: jwt always needs a token; use auth: none for an open route");
        }
        config.keySet().stream().filter(k -> !JWT_KEYS.contains(k)).forEach(k ->
            file.unmapped(at + "." + k, "no Gatehouse equivalent (the token is read from the Authorization header)"));
    }

    /**
     * A {@code require} entry as a {@code claims.match} value: a value stays one value; a list of
     * values, or {@code $or} over values, is "any one of these" in the plugin, as a list is in
     * {@code claims.match} (repeats dropped: the plugin ignores them, Gatehouse refuses them). A
     * list of one is one value.
     *
     * @return the value or list, or {@code null} when it was listed as not mapped
     */
    private Object accepted(Object value, String where) {
        if (value instanceof Map<?, ?> operator && operator.size() == 1 && operator.get("$or") instanceof List<?> any) {
            value = any;
        }
        if (value instanceof Map<?, ?>) {
            file.unmapped(where, "a nested requirement or $and has no Gatehouse equivalent");
            return null;
        }
        List<?> values = value instanceof List<?> list ? list : Collections.singletonList(value);
        Set<String> out = new LinkedHashSet<>();
        for (Object v : values) {
            if (v == null || v instanceof Map<?, ?> || v instanceof List<?>) {
                file.unmapped(where, "'" + v + "' in " + values + " is not a plain value; claims.match compares values");
                return null;
            }
            String text = String.valueOf(v);
            if (text.isEmpty()) {
                file.unmapped(where, "an empty value; claims.match compares non-empty values");
                return null;
            }
            if (text.contains("{") || text.contains("}") || text.contains("*")) {
                file.unmapped(where, "'" + text + "' is a template or wildcard (Gatehouse reads {name} as a path variable); "
                    + "write claims.match over the route's path variables ({project}) by hand");
                return null;
            }
            out.add(text);
        }
        if (out.isEmpty()) {
            file.unmapped(where, "an empty list accepts no token; claims.match needs at least one value");
            return null;
        }
        return out.size() == 1 ? out.iterator().next() : List.copyOf(out);
    }

    private static String stripProvider(String name) {
        if (name == null) {
            return null;
        }
        int at = name.indexOf('@');
        return at < 0 ? name : name.substring(0, at);
    }
}
