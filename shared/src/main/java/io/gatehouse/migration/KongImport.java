package io.gatehouse.migration;

import io.gatehouse.identity.Secrets;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.gatehouse.migration.Trees.bool;
import static io.gatehouse.migration.Trees.list;
import static io.gatehouse.migration.Trees.map;
import static io.gatehouse.migration.Trees.number;
import static io.gatehouse.migration.Trees.string;
import static io.gatehouse.migration.Trees.strings;

/**
 * Turns a Kong declarative configuration ({@code _format_version} 1.1 to 3.0: services, routes,
 * upstreams, consumers and plugins, nested or top-level) into a Gatehouse route file.
 *
 * <ul>
 *   <li>a service becomes an upstream (its URL, or the targets of the Kong upstream its host names,
 *       with weights); its path becomes the targets' base path;</li>
 *   <li>a route becomes one Gatehouse route per path: a prefix {@code /p} becomes {@code /p/**},
 *       {@code strip_path} (Kong's default) {@code strip-prefix: true}, {@code preserve_host}
 *       {@code host-header: preserve}, hosts, methods and headers their matchers (several header
 *       values one {@code ~} alternation);</li>
 *   <li>{@code key-auth} becomes {@code auth: api-key}, {@code jwt} {@code auth: jwt}, both
 *       {@code auth: any}; {@code acl} becomes {@code authorization.groups};</li>
 *   <li>a consumer keeps its name, its {@code acls} become its groups, its
 *       {@code keyauth_credentials} its keys (as SHA-256 hashes); its {@code jwt_secrets} become the
 *       {@code gateway.jwt.secret} and {@code gateway.jwt.issuers} settings when one secret serves all;
 *       when a jwt plugin finds the credential by another claim ({@code key_claim_name}), each jwt
 *       route requires that claim to be one of the credentials' keys ({@code claims.match}, a list
 *       for several);</li>
 *   <li>{@code rate-limiting} (not imported yet: see docs/limits.md) and {@code cors} (not built yet) are written as comments,
 *       {@code prometheus} is built in ({@code /metrics}).</li>
 * </ul>
 * Everything else is listed as not mapped, with the reason.
 */
public final class KongImport {

    private static final Set<String> TOP_LEVEL = Set.of("_format_version", "_transform", "_workspace", "services", "routes",
        "consumers", "plugins", "upstreams");
    private static final Set<String> RATE_UNITS = new LinkedHashSet<>(List.of("second", "minute", "hour", "day", "month", "year"));
    private static final long KONG_DEFAULT_TIMEOUT_MS = 60_000;
    private static final int MIN_SECRET_BYTES = 32;

    /**
     * A consumer's jwt credential.
     *
     * @param key     its key: the value of the plugin's {@code key_claim_name} claim that finds it
     * @param where   where it is, for the report
     * @param secret  its HMAC secret, or {@code null}
     * @param problem why its secret cannot be {@code gateway.jwt.secret}, or {@code null}
     * @param usable  whether Gatehouse can verify its tokens (with the secret, or a JWKS for a public key)
     */
    private record JwtCredential(String key, String where, String secret, String problem, boolean usable) {
    }

    /** A plugin and what it applies to. */
    private record Plugin(String name, Map<String, Object> config, String where, String service, String route, String consumer,
                          boolean enabled) {
    }

    private final RouteFile file;
    private final List<Plugin> plugins = new ArrayList<>();
    private final Map<String, Map<String, Object>> kongUpstreams = new LinkedHashMap<>();
    private final Set<String> routeIds = new HashSet<>();
    private final Set<String> upstreamNames = new HashSet<>();
    private final List<JwtCredential> jwtCredentials = new ArrayList<>();
    private boolean jwtUsed;
    private boolean keyAuthUsed;

    private KongImport(String origin) {
        this.file = new RouteFile(origin);
    }

    /**
     * @param tree   the parsed declarative file
     * @param origin its name, for the output's header
     * @return the route file
     * @throws IllegalArgumentException when the tree is not a Kong declarative configuration
     */
    public static RouteFile convert(Object tree, String origin) {
        Map<String, Object> root = map(tree);
        if (!root.containsKey("_format_version")) {
            throw new IllegalArgumentException(origin + " is not a Kong declarative configuration (no _format_version)");
        }
        KongImport kong = new KongImport(origin);
        kong.run(root);
        return kong.file;
    }

    private void run(Map<String, Object> root) {
        root.keySet().stream().filter(k -> !TOP_LEVEL.contains(k)).forEach(k ->
            file.unmapped(k, "no Gatehouse equivalent in a route file (TLS, vaults and consumer groups are configured elsewhere or not built)"));
        for (Object upstream : list(root.get("upstreams"))) {
            Map<String, Object> u = map(upstream);
            kongUpstreams.put(string(u.get("name"), ""), u);
        }
        collectPlugins(root);
        collectJwtCredentials(root);
        List<Map<String, Object>> services = list(root.get("services")).stream().map(Trees::map).toList();
        Map<String, String> upstreamOfService = new LinkedHashMap<>();
        for (Map<String, Object> service : services) {
            String name = string(service.get("name"), string(service.get("id"), "service"));
            upstreamOfService.put(name, service(service, name));
        }
        for (Map<String, Object> service : services) {
            String name = string(service.get("name"), string(service.get("id"), "service"));
            int i = 0;
            for (Object route : list(service.get("routes"))) {
                route(map(route), service, name, upstreamOfService.get(name), "services[" + name + "].routes[" + i++ + "]");
            }
        }
        int i = 0;
        for (Object route : list(root.get("routes"))) {
            Map<String, Object> r = map(route);
            String serviceName = serviceRef(r.get("service"));
            Map<String, Object> service = services.stream()
                .filter(s -> serviceName != null && (serviceName.equals(s.get("name")) || serviceName.equals(s.get("id"))))
                .findFirst().orElse(null);
            String where = "routes[" + string(r.get("name"), String.valueOf(i)) + "]";
            i++;
            if (service == null) {
                file.unmapped(where, "its service '" + serviceName + "' is not in the file: a Gatehouse route needs an upstream");
                continue;
            }
            String name = string(service.get("name"), string(service.get("id"), "service"));
            route(r, service, name, upstreamOfService.get(name), where);
        }
        consumers(root);
        jwtSettings();
        if (keyAuthUsed) {
            keyAuthSettings();
        }
        plugins.stream().filter(p -> p.service() == null && p.route() == null && p.consumer() == null).forEach(p -> {
            if (p.name().equals("prometheus")) {
                file.note(p.where() + ": Gatehouse exposes Prometheus metrics at GET /metrics, always on");
            }
        });
    }

    private static String serviceRef(Object ref) {
        if (ref instanceof Map<?, ?> m) {
            Object name = m.get("name");
            return name != null ? String.valueOf(name) : string(m.get("id"), null);
        }
        return string(ref, null);
    }

    private void collectPlugins(Map<String, Object> root) {
        for (Object plugin : list(root.get("plugins"))) {
            Map<String, Object> p = map(plugin);
            add(p, "", serviceRef(p.get("service")), serviceRef(p.get("route")), serviceRef(p.get("consumer")));
        }
        for (Object s : list(root.get("services"))) {
            Map<String, Object> service = map(s);
            String serviceName = string(service.get("name"), string(service.get("id"), "service"));
            for (Object plugin : list(service.get("plugins"))) {
                add(map(plugin), "services[" + serviceName + "]", serviceName, null, null);
            }
            for (Object r : list(service.get("routes"))) {
                String routeName = string(map(r).get("name"), null);
                for (Object plugin : list(map(r).get("plugins"))) {
                    add(map(plugin), "services[" + serviceName + "].routes[" + routeName + "]", null, routeName, null);
                }
            }
        }
        for (Object r : list(root.get("routes"))) {
            String routeName = string(map(r).get("name"), null);
            for (Object plugin : list(map(r).get("plugins"))) {
                add(map(plugin), "routes[" + routeName + "]", null, routeName, null);
            }
        }
        for (Object c : list(root.get("consumers"))) {
            String consumerName = consumerName(map(c));
            for (Object plugin : list(map(c).get("plugins"))) {
                add(map(plugin), "consumers[" + consumerName + "]", null, null, consumerName);
            }
        }
    }

    private void add(Map<String, Object> plugin, String where, String service, String route, String consumer) {
        String name = string(plugin.get("name"), "?");
        plugins.add(new Plugin(name, map(plugin.get("config")), (where.isEmpty() ? "" : where + ".") + "plugins[" + name + "]",
            service, route, consumer,
            bool(plugin.get("enabled"), true)));
    }

    /** The upstream of a service; its name. */
    private String service(Map<String, Object> service, String serviceName) {
        String where = "services[" + serviceName + "]";
        String upstreamName = RouteFile.unique(upstreamNames, RouteFile.name(serviceName));
        String protocol = string(service.get("protocol"), "http");
        String host = string(service.get("host"), null);
        Long port = number(service.get("port"));
        String path = string(service.get("path"), "");
        String url = string(service.get("url"), null);
        if (url != null) {
            try {
                URI uri = new URI(url);
                protocol = uri.getScheme();
                host = uri.getHost();
                port = uri.getPort() < 0 ? null : (long) uri.getPort();
                path = uri.getRawPath() == null ? "" : uri.getRawPath();
            } catch (URISyntaxException e) {
                file.unmapped(where + ".url", "'" + url + "' is not a URL");
                return upstreamName;
            }
        }
        if (!protocol.equals("http") && !protocol.equals("https")) {
            file.unmapped(where + ".protocol", "'" + protocol + "': Gatehouse proxies HTTP and HTTPS upstreams only");
        }
        String base = path == null || path.equals("/") ? "" : path.replaceAll("/+$", "");
        List<Object> targets = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        Map<String, Object> kongUpstream = kongUpstreams.get(host);
        if (kongUpstream != null) {
            comments.add("Kong upstream '" + host + "'");
            for (Object t : list(kongUpstream.get("targets"))) {
                Map<String, Object> target = map(t);
                String hostPort = string(target.get("target"), "");
                Long weight = number(target.get("weight"));
                if (weight != null && weight == 0) {
                    file.unmapped("upstreams[" + host + "].targets[" + hostPort + "]", "weight 0 (disabled in Kong); left out");
                    continue;
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("url", protocol + "://" + (hostPort.contains(":") ? hostPort : hostPort + ":" + (port == null ? 8000 : port)) + base);
                entry.put("weight", weight == null ? 100 : weight);
                targets.add(entry);
            }
            String algorithm = string(kongUpstream.get("algorithm"), "round-robin");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("targets", targets);
            switch (algorithm) {
                case "round-robin" -> body.put("load-balancer", "weighted");
                case "least-connections" -> body.put("load-balancer", "least-outstanding");
                case "consistent-hashing" -> {
                    body.put("load-balancer", "weighted");
                    file.unmapped("upstreams[" + host + "].algorithm", "consistent-hashing on " + string(kongUpstream.get("hash_on"), "none")
                        + ": set load-balancer: consistent-hash with hash-on (header:<name> or claim:<name>) on '" + upstreamName
                        + "' yourself; weighted meanwhile");
                }
                default -> file.unmapped("upstreams[" + host + "].algorithm", "'" + algorithm + "' has no Gatehouse equivalent; weighted");
            }
            if (kongUpstream.containsKey("healthchecks")) {
                file.unmapped("upstreams[" + host + "].healthchecks",
                    "Kong's health check settings differ in shape; set health-check and outlier-detection on '" + upstreamName + "'");
            }
            if (targets.isEmpty()) {
                file.unmapped(where, "its upstream '" + host + "' has no target; the service is left out");
                return null;
            }
            file.upstream(upstreamName, body, comments);
            return upstreamName;
        }
        if (host == null) {
            file.unmapped(where, "has neither url nor host; the service is left out");
            return null;
        }
        long effectivePort = port != null ? port : protocol.equals("https") ? 443 : 80;
        targets.add(protocol + "://" + host + ":" + effectivePort + base);
        file.upstream(upstreamName, new LinkedHashMap<>(Map.of("targets", targets)), comments);
        if (service.containsKey("retries")) {
            file.unmapped(where + ".retries", "Kong retries connection failures of every method; Gatehouse retries idempotent "
                + "methods only, per route (retries.attempts): set it on the routes that need it");
        }
        for (String key : List.of("tls_verify", "tls_verify_depth", "ca_certificates", "client_certificate")) {
            if (service.containsKey(key)) {
                file.unmapped(where + "." + key, "upstream TLS settings are the JVM's trust store in Gatehouse");
            }
        }
        return upstreamName;
    }

    private void route(Map<String, Object> route, Map<String, Object> service, String serviceName, String upstream, String where) {
        if (upstream == null) {
            file.unmapped(where, "its service '" + serviceName + "' could not be mapped");
            return;
        }
        String routeName = string(route.get("name"), null);
        String base = RouteFile.name(routeName != null ? routeName : serviceName);
        List<String> paths = strings(route.get("paths"));
        if (paths.isEmpty()) {
            paths = List.of("/");
        }
        for (String key : List.of("snis", "sources", "destinations")) {
            if (route.containsKey(key)) {
                file.unmapped(where + "." + key, "Gatehouse routes HTTP by path, host, method, headers and query only");
            }
        }
        List<String> protocols = strings(route.get("protocols"));
        if (!protocols.isEmpty() && !protocols.contains("http") && !protocols.contains("https")) {
            file.unmapped(where, "protocols " + protocols + ": Gatehouse routes HTTP only; the route is left out");
            return;
        }
        if (protocols.equals(List.of("https"))) {
            file.unmapped(where + ".protocols", "https only: Gatehouse does not redirect plain HTTP; terminate TLS in front of it");
        }
        Map<String, Plugin> effective = effectivePlugins(serviceName, routeName);
        for (String path : paths) {
            String id = RouteFile.unique(routeIds, base);
            if (path.startsWith("~")) {
                file.unmapped(where + ".paths[" + path + "]", "a regular-expression path; write it as a template (/users/{id}) or "
                    + "a prefix by hand");
                continue;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            Map<String, Object> match = new LinkedHashMap<>();
            match.put("path", path.equals("/") ? "/**" : path.endsWith("/") ? path + "**" : path + "/**");
            List<String> hosts = strings(route.get("hosts"));
            for (String host : hosts) {
                if (host.endsWith(".*")) {
                    file.unmapped(where + ".hosts[" + host + "]", "a trailing wildcard; Gatehouse takes leading ones (*.example.com)");
                }
            }
            List<String> kept = hosts.stream().filter(h -> !h.endsWith(".*")).toList();
            if (!kept.isEmpty()) {
                match.put("hosts", kept);
            }
            List<String> methods = strings(route.get("methods"));
            if (!methods.isEmpty()) {
                match.put("methods", methods);
            }
            Map<String, Object> headers = new LinkedHashMap<>();
            map(route.get("headers")).forEach((header, values) -> {
                List<String> v = strings(values);
                headers.put(header, v.size() == 1 ? v.getFirst()
                    : "~" + v.stream().map(Pattern::quote).collect(Collectors.joining("|")));
            });
            if (!headers.isEmpty()) {
                match.put("headers", headers);
            }
            body.put("match", match);
            if (bool(route.get("strip_path"), true) && !path.equals("/")) {
                body.put("strip-prefix", true);
            }
            body.put("upstream", upstream);
            if (bool(route.get("preserve_host"), false)) {
                body.put("host-header", "preserve");
            }
            Map<String, Object> timeouts = timeouts(service);
            if (!timeouts.isEmpty()) {
                body.put("timeouts", timeouts);
            }
            List<String> comments = new ArrayList<>();
            if (path.length() > 1) {
                comments.add("Kong path " + path + (path.endsWith("/") ? "" : " (Kong also matched " + path + "-anything; this matches "
                    + path + " and " + path + "/... only)"));
            }
            policies(body, comments, effective, where);
            file.route(body, comments);
        }
    }

    private static Map<String, Object> timeouts(Map<String, Object> service) {
        Map<String, Object> timeouts = new LinkedHashMap<>();
        Long connect = number(service.get("connect_timeout"));
        if (connect != null && connect != KONG_DEFAULT_TIMEOUT_MS) {
            timeouts.put("connect", connect + "ms");
        }
        Long read = number(service.get("read_timeout"));
        if (read != null && read != KONG_DEFAULT_TIMEOUT_MS) {
            timeouts.put("response", read + "ms");
        }
        return timeouts;
    }

    /** Route plugins over service plugins over global ones, by name; consumer plugins apart. */
    private Map<String, Plugin> effectivePlugins(String serviceName, String routeName) {
        Map<String, Plugin> out = new LinkedHashMap<>();
        plugins.stream().filter(p -> p.consumer() == null && p.service() == null && p.route() == null).forEach(p -> out.put(p.name(), p));
        plugins.stream().filter(p -> p.consumer() == null && serviceName.equals(p.service()) && p.route() == null)
            .forEach(p -> out.put(p.name(), p));
        plugins.stream().filter(p -> p.consumer() == null && routeName != null && routeName.equals(p.route()))
            .forEach(p -> out.put(p.name(), p));
        return out;
    }

    private void policies(Map<String, Object> body, List<String> comments, Map<String, Plugin> plugins, String where) {
        boolean keyAuth = false;
        boolean jwt = false;
        Plugin jwtPlugin = null;
        for (Plugin plugin : plugins.values()) {
            String at = where + "." + plugin.name();
            if (!plugin.enabled()) {
                file.unmapped(plugin.where(), "disabled in Kong; not imported");
                continue;
            }
            switch (plugin.name()) {
                case "key-auth" -> {
                    keyAuth = true;
                    keyAuthUsed = true;
                    if (plugin.config().get("anonymous") != null) {
                        file.unmapped(at + ".anonymous", "Gatehouse has no anonymous consumer; a route is open (no auth) or needs a credential");
                    }
                    if (bool(plugin.config().get("hide_credentials"), false)) {
                        file.unmapped(at + ".hide_credentials", "the key header reaches the upstream in Gatehouse");
                    }
                }
                case "jwt" -> {
                    jwt = true;
                    jwtUsed = true;
                    jwtPlugin = plugin;
                    if (plugin.config().get("anonymous") != null) {
                        file.unmapped(at + ".anonymous", "Gatehouse has no anonymous consumer; a route is open (no auth) or needs a credential");
                    }
                    if (bool(plugin.config().get("secret_is_base64"), false)) {
                        file.unmapped(at + ".secret_is_base64", "gateway.jwt.secret is the secret's UTF-8 bytes; decode it first");
                    }
                }
                case "acl" -> acl(body, plugin, at);
                case "rate-limiting", "rate-limiting-advanced" -> {
                    comments.add("limits (not imported, see docs/limits.md): " + rates(plugin.config()));
                    file.unmapped(plugin.where(), "rate limits are not imported (write them as the route's limits, docs/limits.md); kept as a comment on route '"
                        + body.get("id") + "'");
                }
                case "cors" -> {
                    comments.add("cors (not built yet): " + new TreeMap<>(plugin.config()));
                    file.unmapped(plugin.where(), "CORS is not built in Gatehouse yet; kept as a comment on route '" + body.get("id") + "'");
                }
                case "request-size-limiting" -> file.unmapped(plugin.where(), "no per-route body limit in Gatehouse; "
                    + "gateway.proxy.max-buffered-body bounds the buffered engine only (413 above it)");
                case "prometheus" -> {
                    // Built in: GET /metrics. Told once for the global plugin; a scoped one is the same.
                    if (plugin.service() != null || plugin.route() != null) {
                        file.note(plugin.where() + ": Gatehouse exposes Prometheus metrics at GET /metrics for every route");
                    }
                }
                default -> file.unmapped(plugin.where(), "no Gatehouse equivalent of the Kong plugin '" + plugin.name() + "'");
            }
        }
        if (keyAuth && jwt) {
            body.put("auth", "any");
            comments.add("Kong accepted a key (key-auth) or a JWT (jwt); auth: any also admits a session cookie");
        } else if (keyAuth) {
            body.put("auth", "api-key");
        } else if (jwt) {
            body.put("auth", "jwt");
        }
        if (jwt && !issuerSetting()) {
            credentialKeys(body, comments, keyClaim(jwtPlugin), keyAuth, where);
        }
        if (jwt && body.containsKey("authorization")) {
            file.unmapped(where + ".acl", "a JWT caller's groups come from the token's roles and groups claims in Gatehouse, "
                + "not from the Kong consumer its iss names: issue tokens that carry the groups");
        }
        if (body.containsKey("authorization") && !keyAuth && !jwt) {
            body.put("auth", "any");
            comments.add("Kong's acl needs an authenticated consumer; auth: any asks for one");
        }
    }

    private void acl(Map<String, Object> body, Plugin plugin, String at) {
        List<String> allow = strings(plugin.config().getOrDefault("allow", plugin.config().get("whitelist")));
        List<String> deny = strings(plugin.config().getOrDefault("deny", plugin.config().get("blacklist")));
        if (!allow.isEmpty() && !deny.isEmpty()) {
            file.unmapped(plugin.where(), "both allow and deny: a Gatehouse route has one list; the allow list is kept");
        }
        if (allow.isEmpty() && deny.isEmpty()) {
            file.unmapped(plugin.where(), "neither allow nor deny");
            return;
        }
        Map<String, Object> groups = new LinkedHashMap<>();
        groups.put(allow.isEmpty() ? "deny" : "allow", (allow.isEmpty() ? deny : allow).stream().map(RouteFile::name).toList());
        body.put("authorization", new LinkedHashMap<>(Map.of("groups", groups)));
        if (bool(plugin.config().get("hide_groups_header"), false) || plugin.config().containsKey("include_consumer_groups")) {
            file.unmapped(at, "Gatehouse sends no X-Consumer-Groups header to the upstream");
        }
    }

    private static String rates(Map<String, Object> config) {
        List<String> parts = new ArrayList<>();
        for (String unit : RATE_UNITS) {
            if (config.get(unit) != null) {
                parts.add(config.get(unit) + " per " + unit);
            }
        }
        if (config.get("limit_by") != null) {
            parts.add("by " + config.get("limit_by"));
        }
        return parts.isEmpty() ? new TreeMap<>(config).toString() : String.join(", ", parts);
    }

    private static String consumerName(Map<String, Object> consumer) {
        return string(consumer.get("username"), string(consumer.get("custom_id"), string(consumer.get("id"), "consumer")));
    }

    private void consumers(Map<String, Object> root) {
        Set<String> names = new HashSet<>();
        for (Object c : list(root.get("consumers"))) {
            Map<String, Object> consumer = map(c);
            String kongName = consumerName(consumer);
            String where = "consumers[" + kongName + "]";
            String name = RouteFile.unique(names, RouteFile.name(kongName));
            Map<String, Object> body = new LinkedHashMap<>();
            List<String> comments = new ArrayList<>();
            List<String> groups = list(consumer.get("acls")).stream().map(a -> string(map(a).get("group"), null))
                .filter(g -> g != null).map(RouteFile::name).distinct().toList();
            if (!groups.isEmpty()) {
                body.put("groups", groups);
            }
            List<Object> keys = new ArrayList<>();
            int i = 1;
            for (Object k : list(consumer.get("keyauth_credentials"))) {
                String key = string(map(k).get("key"), null);
                if (key == null) {
                    file.unmapped(where + ".keyauth_credentials", "a credential without a key (Kong generated it): export it first");
                    continue;
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("id", "kong-" + i++);
                entry.put("sha256", Secrets.sha256(key.trim()));
                keys.add(entry);
                if (map(k).get("ttl") != null) {
                    file.unmapped(where + ".keyauth_credentials.ttl", "declared keys do not expire; create expiring keys through /admin/consumers");
                }
            }
            if (!keys.isEmpty()) {
                body.put("keys", keys);
            }
            for (String kind : List.of("basicauth_credentials", "hmacauth_credentials", "oauth2_credentials", "mtls_auth_credentials")) {
                if (consumer.containsKey(kind)) {
                    file.unmapped(where + "." + kind, "Gatehouse authenticates with API keys, JWTs and sessions only");
                }
            }
            if (consumer.containsKey("custom_id") && consumer.containsKey("username")) {
                comments.add("Kong custom_id: " + consumer.get("custom_id"));
            }
            for (Plugin plugin : plugins) {
                if (!kongName.equals(plugin.consumer())) {
                    continue;
                }
                if (plugin.name().startsWith("rate-limiting")) {
                    comments.add("plan (not imported, see docs/limits.md): " + rates(plugin.config()));
                    file.unmapped(plugin.where(), "a consumer's rate limit is a plan, and plans are not imported (declare one and the consumer's plan, docs/limits.md); "
                        + "kept as a comment on consumer '" + name + "'");
                } else {
                    file.unmapped(plugin.where(), "Gatehouse has no per-consumer '" + plugin.name() + "'");
                }
            }
            file.consumer(name, body, comments);
        }
    }

    private void keyAuthSettings() {
        List<String> headers = new ArrayList<>(List.of("apikey"));
        boolean inQuery = true;
        for (Plugin plugin : plugins) {
            if (plugin.name().equals("key-auth") && plugin.enabled()) {
                List<String> names = strings(plugin.config().get("key_names"));
                if (!names.isEmpty()) {
                    headers = names;
                }
                inQuery &= bool(plugin.config().get("key_in_query"), true);
            }
        }
        file.setting("gateway.api-keys.header", headers.getFirst(), "Kong key-auth key_names");
        if (headers.size() > 1) {
            file.unmapped("key-auth.key_names", "Gatehouse reads one key header; " + headers.subList(1, headers.size()) + " are not read");
        }
        if (inQuery) {
            file.unmapped("key-auth.key_in_query", "Gatehouse reads keys from the header only, never from the query string");
        }
    }

    /** Reads every consumer's jwt credentials, before the routes: a route may need their keys. */
    private void collectJwtCredentials(Map<String, Object> root) {
        for (Object c : list(root.get("consumers"))) {
            Map<String, Object> consumer = map(c);
            for (Object j : list(consumer.get("jwt_secrets"))) {
                Map<String, Object> credential = map(j);
                String key = string(credential.get("key"), "?");
                String where = "consumers[" + consumerName(consumer) + "].jwt_secrets[" + key + "]";
                String algorithm = string(credential.get("algorithm"), "HS256");
                String secret = string(credential.get("secret"), null);
                if (!algorithm.startsWith("HS")) {
                    jwtCredentials.add(new JwtCredential(key, where, null, algorithm + " with a public key: publish it as a JWKS and set "
                        + "gateway.jwt.jwks-urls", true));
                } else if (secret == null) {
                    jwtCredentials.add(new JwtCredential(key, where, null, "no secret in the file (Kong generated it): export it first",
                        false));
                } else if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
                    jwtCredentials.add(new JwtCredential(key, where, null, "the secret is shorter than " + MIN_SECRET_BYTES
                        + " bytes, which Gatehouse refuses for HS256", false));
                } else {
                    jwtCredentials.add(new JwtCredential(key, where, secret, null, true));
                }
            }
        }
    }

    /** The keys of the credentials whose tokens Gatehouse can verify, in the file's order. */
    private List<String> usableJwtKeys() {
        return jwtCredentials.stream().filter(JwtCredential::usable).map(JwtCredential::key).distinct().toList();
    }

    /** The claim a jwt plugin finds the credential by ({@code key_claim_name}, {@code iss} by default). */
    private static String keyClaim(Plugin plugin) {
        return string(plugin.config().get("key_claim_name"), "iss");
    }

    /**
     * Whether the credentials' keys become {@code gateway.jwt.issuers}: when every enabled jwt plugin
     * finds the credential by {@code iss}. Otherwise each jwt route requires its plugin's claim to be
     * one of the keys with a {@code claims.match} list.
     */
    private boolean issuerSetting() {
        return plugins.stream().filter(p -> p.name().equals("jwt") && p.enabled()).allMatch(p -> keyClaim(p).equals("iss"));
    }

    /** Kong's credential lookup on a jwt route: the token's claim must name one of the credentials' keys. */
    @SuppressWarnings("unchecked")
    private void credentialKeys(Map<String, Object> body, List<String> comments, String claim, boolean keyAuth, String where) {
        List<String> keys = usableJwtKeys();
        if (keys.isEmpty()) {
            return;
        }
        if (keys.stream().anyMatch(k -> k.contains("{") || k.contains("}"))) {
            file.unmapped(where + ".jwt.key_claim_name", "Kong finds the jwt credential by the '" + claim + "' claim, and a key has "
                + "braces, which claims.match reads as a path variable: require the claim by hand");
            return;
        }
        if (keyAuth) {
            file.unmapped(where + ".jwt.key_claim_name", "Kong finds the jwt credential by the '" + claim + "' claim; a claims.match "
                + "on it would refuse the API-key callers auth: any admits too: give the JWT callers a route of their own with "
                + "claims.match: {" + claim + ": " + keys + "}");
            return;
        }
        Map<String, Object> claims = (Map<String, Object>) body.computeIfAbsent("claims", k -> new LinkedHashMap<>());
        claims.put("match", new LinkedHashMap<>(Map.of(claim, keys.size() == 1 ? keys.getFirst() : keys)));
        comments.add("Kong jwt: the token's '" + claim + "' claim names one of the jwt credentials (Kong also read it from the "
            + "token's header; claims.match reads the claims)");
    }

    private void jwtSettings() {
        if (!jwtUsed) {
            return;
        }
        Map<String, String> secrets = new LinkedHashMap<>();
        for (JwtCredential credential : jwtCredentials) {
            if (credential.problem() != null) {
                file.unmapped(credential.where(), credential.problem());
            } else {
                secrets.put(credential.secret(), credential.where());
            }
        }
        if (secrets.size() == 1) {
            file.setting("gateway.jwt.secret", "the secret of " + secrets.values().iterator().next(), "Kong jwt credential");
        } else if (secrets.size() > 1) {
            file.unmapped("jwt_secrets", secrets.size() + " different HMAC secrets (" + String.join(", ", secrets.values())
                + "): Gatehouse verifies HMAC tokens with one secret; move the issuers to one secret or to a JWKS");
        }
        List<String> keys = usableJwtKeys();
        if (!keys.isEmpty() && issuerSetting()) {
            file.setting("gateway.jwt.issuers", String.join(",", keys), "Kong jwt credential keys: the iss a token must carry");
        }
        if (plugins.stream().anyMatch(p -> p.name().equals("jwt") && strings(p.config().get("claims_to_verify")).contains("exp"))) {
            file.setting("gateway.jwt.require-expiration", "true", "Kong jwt claims_to_verify: exp");
        }
        file.unmapped("jwt.uri_param_names", "Gatehouse reads the JWT from the Authorization header only, not from ?jwt= or cookies");
    }
}
