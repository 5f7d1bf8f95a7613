package io.gatehouse.definition;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.route.RouteDefinition;
import io.gatehouse.upstream.UpstreamDefinition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Everything the gateway routes by, validated as a whole: routes in declaration order, upstreams,
 * consumers and plans by name. Consumers and plans are kept as configured for the identity and
 * traffic features that interpret them, and validated here by the {@link SectionValidator}s those
 * features register, so a bad consumer refuses the definition as a bad route does.
 *
 * @param routes    the routes
 * @param upstreams the upstreams by name
 * @param consumers the consumers by name
 * @param plans     the plans by name
 */
public record GatewayDefinition(
    List<RouteDefinition> routes,
    Map<String, UpstreamDefinition> upstreams,
    Map<String, Object> consumers,
    Map<String, Object> plans) {

    /** No routes, no upstreams. */
    public static final GatewayDefinition EMPTY = new GatewayDefinition(List.of(), Map.of(), Map.of(), Map.of());

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * A parsed configuration tree and where it came from.
     *
     * @param name a file path or a description such as {@code application configuration}
     * @param tree the top-level map, with keys {@code routes}, {@code upstreams}, {@code consumers}, {@code plans}
     */
    public record Source(String name, Object tree) {
    }

    /**
     * Parses and validates sources together, in order.
     *
     * @param sources the sources
     * @return the definition
     * @throws DefinitionException naming every problem, when any exists
     */
    public static GatewayDefinition of(List<Source> sources) {
        List<DefinitionProblem> problems = new ArrayList<>();
        List<RouteDefinition> routes = new ArrayList<>();
        Map<String, UpstreamDefinition> upstreams = new LinkedHashMap<>();
        Map<String, String> upstreamSources = new LinkedHashMap<>();
        Map<String, String> routeSources = new LinkedHashMap<>();
        Map<String, Object> consumers = new LinkedHashMap<>();
        Map<String, Object> plans = new LinkedHashMap<>();
        Map<String, String> consumerSources = new LinkedHashMap<>();
        Map<String, String> planSources = new LinkedHashMap<>();
        List<ConfigNode> routeNodes = new ArrayList<>();
        for (Source source : sources) {
            ConfigNode root = ConfigNode.root(source.name(), source.tree(), problems);
            if (source.tree() != null && !(source.tree() instanceof Map<?, ?>)) {
                root.problem("must be a map with routes, upstreams, consumers and plans");
                continue;
            }
            root.allowOnly("routes", "upstreams", "consumers", "plans");
            root.get("upstreams").entries().forEach((name, node) -> {
                if (!NAME.matcher(name).matches()) {
                    node.problem("upstream name must be 1-128 letters, digits, '.', '_' or '-'");
                } else if (upstreams.containsKey(name)) {
                    node.problem("upstream '" + name + "' is already defined in " + upstreamSources.get(name));
                } else {
                    UpstreamDefinition upstream = UpstreamDefinition.parse(name, node);
                    upstreams.put(name, upstream);
                    upstreamSources.put(name, source.name());
                }
            });
            for (ConfigNode node : root.get("routes").elements()) {
                RouteDefinition route = RouteDefinition.parse(node, source.name());
                if (route == null) {
                    continue;
                }
                if (routeSources.containsKey(route.id())) {
                    node.get("id").problem("route id '" + route.id() + "' is already used in " + routeSources.get(route.id()));
                    continue;
                }
                routeSources.put(route.id(), source.name());
                routes.add(route);
                routeNodes.add(node);
            }
            root.get("consumers").entries().forEach((name, node) -> {
                if (consumerSources.containsKey(name)) {
                    node.problem("consumer '" + name + "' is already defined in " + consumerSources.get(name));
                    return;
                }
                SectionValidator.validateAll("consumers", name, node);
                // A consumer with nothing under its name (no groups, no keys) is an empty map, not a null Map.copyOf refuses.
                consumers.put(name, node.raw() == null ? Map.of() : node.raw());
                consumerSources.put(name, source.name());
            });
            root.get("plans").entries().forEach((name, node) -> {
                if (!NAME.matcher(name).matches()) {
                    node.problem("plan name must be 1-128 letters, digits, '.', '_' or '-'");
                } else if (planSources.containsKey(name)) {
                    node.problem("plan '" + name + "' is already defined in " + planSources.get(name));
                } else if (!(node.raw() instanceof Map<?, ?>)) {
                    node.problem("a plan must be a map of its settings, not " + describe(node.raw()));
                } else {
                    SectionValidator.validateAll("plans", name, node);
                    plans.put(name, node.raw());
                    planSources.put(name, source.name());
                }
            });
        }
        for (int i = 0; i < routes.size(); i++) {
            RouteDefinition route = routes.get(i);
            if (route.upstream() != null && !upstreams.containsKey(route.upstream())) {
                routeNodes.get(i).get("upstream").problem("unknown upstream '" + route.upstream() + "' (defined: "
                    + (upstreams.isEmpty() ? "none" : String.join(", ", upstreams.keySet())) + ")");
            }
            checkLimits(routeNodes.get(i).get("limits"), plans);
        }
        if (!problems.isEmpty()) {
            throw new DefinitionException(problems);
        }
        return new GatewayDefinition(List.copyOf(routes), Map.copyOf(upstreams), Map.copyOf(consumers), Map.copyOf(plans));
    }

    /**
     * A route's {@code limits} is kept as data until rate limiting is built; what can be checked
     * today is checked: it is a map, and a {@code plan} it names is defined.
     */
    private static void checkLimits(ConfigNode limits, Map<String, Object> plans) {
        if (limits.isMissing()) {
            return;
        }
        if (!(limits.raw() instanceof Map<?, ?>)) {
            limits.problem("must be a map, not " + describe(limits.raw()));
            return;
        }
        ConfigNode plan = limits.get("plan");
        if (plan.isMissing()) {
            return;
        }
        String name = plan.string(null);
        if (name != null && !plans.containsKey(name)) {
            plan.problem("unknown plan '" + name + "' (defined: " + (plans.isEmpty() ? "none" : String.join(", ", plans.keySet())) + ")");
        }
    }

    private static String describe(Object value) {
        return value instanceof List<?> ? "a list" : value instanceof Map<?, ?> ? "a map" : "'" + value + "'";
    }
}
