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
 * @param plansBy   how callers that are no consumer with a plan find theirs ({@code plans-by}), as configured; empty when none
 */
public record GatewayDefinition(
    List<RouteDefinition> routes,
    Map<String, UpstreamDefinition> upstreams,
    Map<String, Object> consumers,
    Map<String, Object> plans,
    Map<String, Object> plansBy) {

    /** No routes, no upstreams. */
    public static final GatewayDefinition EMPTY = new GatewayDefinition(List.of(), Map.of(), Map.of(), Map.of(), Map.of());

    /**
     * A definition without {@code plans-by}.
     *
     * @param routes    the routes
     * @param upstreams the upstreams by name
     * @param consumers the consumers by name
     * @param plans     the plans by name
     */
    public GatewayDefinition(List<RouteDefinition> routes, Map<String, UpstreamDefinition> upstreams, Map<String, Object> consumers,
                             Map<String, Object> plans) {
        this(routes, upstreams, consumers, plans, Map.of());
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * A parsed configuration tree and where it came from.
     *
     * @param name a file path or a description such as {@code application configuration}
     * @param tree the top-level map, with keys {@code routes}, {@code upstreams}, {@code consumers}, {@code plans}, {@code plans-by}
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
        List<ConfigNode> consumerNodes = new ArrayList<>();
        Map<String, Object> plansBy = new LinkedHashMap<>();
        ConfigNode plansByNode = null;
        String plansBySource = null;
        for (Source source : sources) {
            ConfigNode root = ConfigNode.root(source.name(), source.tree(), problems);
            if (source.tree() != null && !(source.tree() instanceof Map<?, ?>)) {
                root.problem("must be a map with routes, upstreams, consumers, plans and plans-by");
                continue;
            }
            root.allowOnly("routes", "upstreams", "consumers", "plans", "plans-by");
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
                consumerNodes.add(node);
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
            ConfigNode by = root.get("plans-by");
            if (!by.isMissing()) {
                if (plansByNode != null) {
                    by.problem("plans-by is already defined in " + plansBySource);
                } else if (by.raw() instanceof Map<?, ?> map) {
                    SectionValidator.validateAll("plans-by", "plans-by", by);
                    map.forEach((k, v) -> plansBy.put(String.valueOf(k), v));
                    plansByNode = by;
                    plansBySource = source.name();
                } else {
                    by.problem("must be a map with claim, groups and default, not " + describe(by.raw()));
                }
            }
        }
        for (int i = 0; i < routes.size(); i++) {
            RouteDefinition route = routes.get(i);
            if (route.upstream() != null && !upstreams.containsKey(route.upstream())) {
                routeNodes.get(i).get("upstream").problem("unknown upstream '" + route.upstream() + "' (defined: "
                    + (upstreams.isEmpty() ? "none" : String.join(", ", upstreams.keySet())) + ")");
            }
            ConfigNode limits = routeNodes.get(i).get("limits");
            boolean list = limits.raw() instanceof List<?> || limits.raw() instanceof Map<?, ?> map && map.containsKey("0");
            for (ConfigNode entry : list ? limits.elements() : List.<ConfigNode>of()) {
                ConfigNode plan = entry.get("plan");
                String name = plan.raw() instanceof String text ? text.trim() : null;
                if (name != null && !name.equalsIgnoreCase("true") && !name.equalsIgnoreCase("false")) {
                    checkPlan(plan, name, plans);
                }
            }
        }
        for (ConfigNode consumer : consumerNodes) {
            String plan = consumer.get("plan").raw() instanceof String text ? text.trim() : null;
            if (plan != null && !plan.isEmpty()) {
                checkPlan(consumer.get("plan"), plan, plans);
            }
        }
        if (plansByNode != null) {
            List<ConfigNode> references = new ArrayList<>();
            references.add(plansByNode.get("default"));
            if (plansByNode.get("groups").raw() instanceof Map<?, ?>) {
                references.addAll(plansByNode.get("groups").entries().values());
            }
            for (ConfigNode reference : references) {
                String plan = reference.raw() instanceof String text ? text.trim() : null;
                if (plan != null && !plan.isEmpty()) {
                    checkPlan(reference, plan, plans);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new DefinitionException(problems);
        }
        return new GatewayDefinition(List.copyOf(routes), Map.copyOf(upstreams), Map.copyOf(consumers), Map.copyOf(plans),
            Map.copyOf(plansBy));
    }

    /** A plan a route, a consumer or {@code plans-by} names must be defined. */
    private static void checkPlan(ConfigNode node, String name, Map<String, Object> plans) {
        if (!plans.containsKey(name)) {
            node.problem("unknown plan '" + name + "' (defined: " + (plans.isEmpty() ? "none" : String.join(", ", plans.keySet())) + ")");
        }
    }

    private static String describe(Object value) {
        return value instanceof List<?> ? "a list" : value instanceof Map<?, ?> ? "a map" : "'" + value + "'";
    }
}
