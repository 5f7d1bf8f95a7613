package io.gatehouse.policy.limit;

import io.gatehouse.config.ConfigNode;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the limit sections of the definition, recording every problem on its node with its field
 * path: a route's {@code limits}, the {@code plans} and {@code plans-by}. The validators
 * ({@link RouteLimitValidator}, {@link PlanValidator}) call it at load time; the policy calls it
 * again on definitions that passed, to compile them.
 *
 * <pre>{@code
 * plans:
 *   gold:
 *     limits:
 *       - { requests: 1000, per: minute }
 *       - { requests: 1440000, per: day, burst: 200 }
 * plans-by:                      # the plan of a caller that is no consumer with a plan
 *   claim: plan                  # a claim naming the plan
 *   groups: { partners: gold }   # else the first of the caller's groups listed here
 *   default: free                # else this plan
 * routes:
 *   - id: limited
 *     limits:
 *       - { by: ip, requests: 3, per: minute }
 *       - { plan: true }         # the caller's plan (or plan: gold, that plan for every caller)
 * }</pre>
 */
public final class LimitDefinitions {

    /** The largest {@code requests} or {@code burst}. */
    static final int MAX_REQUESTS = 1_000_000_000;

    /** Headers whose values are credentials: never a key, since keys are stored in Redis as they are. */
    private static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "cookie", "x-api-key");

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /**
     * A route's limits.
     *
     * @param rules       its own limits, in order
     * @param plan        whether a {@code plan} entry applies a plan
     * @param planName    the plan every caller gets ({@code plan: gold}), or {@code null} for the caller's own ({@code plan: true})
     * @param planFailure the plan entry's {@code on-store-failure}, or {@code null}
     */
    public record RouteLimits(List<LimitRule> rules, boolean plan, @Nullable String planName, @Nullable OnStoreFailure planFailure) {

        /** No limits. */
        public static final RouteLimits NONE = new RouteLimits(List.of(), false, null, null);

        /**
         * @return whether the route limits nothing
         */
        public boolean isEmpty() {
            return rules.isEmpty() && !plan;
        }
    }

    /**
     * A plan.
     *
     * @param name           its name
     * @param rules          its limits, each counted per caller
     * @param onStoreFailure its {@code on-store-failure}, or {@code null}
     */
    public record Plan(String name, List<LimitRule> rules, @Nullable OnStoreFailure onStoreFailure) {
    }

    /**
     * How callers that are no consumer with a plan find theirs.
     *
     * @param claim       a claim (dotted path) whose value names the plan, or {@code null}
     * @param groups      plans by group, in order: the first group of the caller listed here wins
     * @param defaultPlan the plan of every other caller, or {@code null}
     */
    public record PlansBy(@Nullable String claim, Map<String, String> groups, @Nullable String defaultPlan) {

        /** No mapping: only consumers with a plan have one. */
        public static final PlansBy NONE = new PlansBy(null, Map.of(), null);
    }

    private LimitDefinitions() {
    }

    /**
     * Reads a route's {@code limits}.
     *
     * @param node the {@code limits} node
     * @return the limits; {@link RouteLimits#NONE} when missing
     */
    public static RouteLimits route(ConfigNode node) {
        if (node.isMissing()) {
            return RouteLimits.NONE;
        }
        if (!(node.raw() instanceof List<?>) && !(node.raw() instanceof Map<?, ?> map && indexed(map))) {
            node.problem("must be a list of limits such as [{by: ip, requests: 100, per: minute}, {plan: true}]");
            return RouteLimits.NONE;
        }
        List<LimitRule> rules = new ArrayList<>();
        boolean plan = false;
        String planName = null;
        OnStoreFailure planFailure = null;
        for (ConfigNode entry : node.elements()) {
            if (!(entry.raw() instanceof Map<?, ?>)) {
                entry.problem("must be a limit such as {by: ip, requests: 100, per: minute} or {plan: true}");
                continue;
            }
            if (!entry.get("plan").isMissing()) {
                entry.allowOnly("plan", "on-store-failure");
                if (plan) {
                    entry.get("plan").problem("only one plan entry per route");
                    continue;
                }
                ConfigNode value = entry.get("plan");
                String text = value.string("");
                if (text.equalsIgnoreCase("true")) {
                    plan = true;
                } else if (text.equalsIgnoreCase("false")) {
                    value.problem("must be true (the caller's plan) or a plan's name; leave the entry out for no plan");
                } else if (!text.isEmpty()) {
                    plan = true;
                    planName = text;
                }
                planFailure = onStoreFailure(entry.get("on-store-failure"));
                continue;
            }
            entry.allowOnly("by", "requests", "per", "burst", "on-store-failure");
            LimitRule rule = rule(entry, true);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return new RouteLimits(List.copyOf(rules), plan, planName, planFailure);
    }

    /**
     * Reads one plan.
     *
     * @param name its name
     * @param node its settings
     * @return the plan
     */
    public static Plan plan(String name, ConfigNode node) {
        node.allowOnly("limits", "on-store-failure");
        ConfigNode limits = node.get("limits");
        List<LimitRule> rules = new ArrayList<>();
        if (limits.isMissing()) {
            limits.problem("is required: a plan is a list of limits such as [{requests: 1000, per: minute}]");
        } else if (!(limits.raw() instanceof List<?>) && !(limits.raw() instanceof Map<?, ?> map && indexed(map))) {
            limits.problem("must be a list of limits such as [{requests: 1000, per: minute}]");
        } else {
            for (ConfigNode entry : limits.elements()) {
                if (!(entry.raw() instanceof Map<?, ?>)) {
                    entry.problem("must be a limit such as {requests: 1000, per: minute}");
                    continue;
                }
                entry.allowOnly("requests", "per", "burst");
                LimitRule rule = rule(entry, false);
                if (rule != null) {
                    rules.add(rule);
                }
            }
            if (rules.isEmpty() && limits.elements().isEmpty()) {
                limits.problem("must hold at least one limit");
            }
        }
        return new Plan(name, List.copyOf(rules), onStoreFailure(node.get("on-store-failure")));
    }

    /**
     * Reads {@code plans-by}.
     *
     * @param node the node
     * @return the mapping; {@link PlansBy#NONE} when missing
     */
    public static PlansBy plansBy(ConfigNode node) {
        if (node.isMissing()) {
            return PlansBy.NONE;
        }
        if (!(node.raw() instanceof Map<?, ?>)) {
            node.problem("must be a map with claim, groups and default");
            return PlansBy.NONE;
        }
        node.allowOnly("claim", "groups", "default");
        String claim = node.get("claim").string(null);
        if (claim != null && claim.isEmpty()) {
            node.get("claim").problem("must name a claim");
            claim = null;
        }
        Map<String, String> groups = new LinkedHashMap<>();
        node.get("groups").entries().forEach((group, plan) -> {
            String name = plan.requiredString();
            if (name != null) {
                groups.put(group, name);
            }
        });
        return new PlansBy(claim, groups, node.get("default").string(null));
    }

    private static LimitRule rule(ConfigNode entry, boolean withBy) {
        int requests = entry.get("requests").integer(0, 1, MAX_REQUESTS);
        if (entry.get("requests").isMissing()) {
            entry.get("requests").problem("is required");
        }
        ConfigNode per = entry.get("per");
        Window window = per.choice(null, Window.class);
        if (per.isMissing()) {
            per.problem("is required: second, minute, hour or day");
        }
        int burst = entry.get("burst").integer(requests, 1, MAX_REQUESTS);
        LimitRule.By by = LimitRule.By.CONSUMER;
        String byName = null;
        if (withBy && !entry.get("by").isMissing()) {
            ConfigNode byNode = entry.get("by");
            String text = byNode.string("");
            int colon = text.indexOf(':');
            String kind = (colon < 0 ? text : text.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
            String name = colon < 0 ? null : text.substring(colon + 1).trim();
            by = switch (kind) {
                case "ip" -> LimitRule.By.IP;
                case "consumer" -> LimitRule.By.CONSUMER;
                case "credential" -> LimitRule.By.CREDENTIAL;
                case "route" -> LimitRule.By.ROUTE;
                case "tenant" -> LimitRule.By.TENANT;
                case "header" -> LimitRule.By.HEADER;
                case "claim" -> LimitRule.By.CLAIM;
                default -> null;
            };
            if (by == null) {
                byNode.problem("must be ip, consumer, credential, route, tenant, header:<name> or claim:<name>, not '" + text + "'");
                return null;
            }
            if (by == LimitRule.By.HEADER || by == LimitRule.By.CLAIM) {
                if (name == null || name.isEmpty()) {
                    byNode.problem("'" + kind + "' needs a name: " + kind + ":<name>");
                    return null;
                }
                if (by == LimitRule.By.HEADER) {
                    name = name.toLowerCase(Locale.ROOT);
                    if (!TOKEN.matcher(name).matches()) {
                        byNode.problem("'" + name + "' is not a header name");
                        return null;
                    }
                    if (SECRET_HEADERS.contains(name)) {
                        byNode.problem("'" + name + "' carries credentials, which are never used as keys; use by: consumer or credential");
                        return null;
                    }
                }
            } else if (name != null) {
                byNode.problem("'" + kind + "' takes no name");
                return null;
            }
            byName = name;
        }
        OnStoreFailure failure = withBy ? onStoreFailure(entry.get("on-store-failure")) : null;
        if (requests == 0 || window == null) {
            return null;
        }
        return new LimitRule(requests, window, burst, by, byName, failure);
    }

    private static OnStoreFailure onStoreFailure(ConfigNode node) {
        return node.choice(null, OnStoreFailure.class);
    }

    private static boolean indexed(Map<?, ?> map) {
        if (map.isEmpty()) {
            return false;
        }
        for (int i = 0; i < map.size(); i++) {
            if (!map.containsKey(String.valueOf(i))) {
                return false;
            }
        }
        return true;
    }
}
