package io.gatehouse.policy.transform;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.route.RouteDefinition;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The edits of one set of names (request headers, query parameters, response headers), applied
 * in this order, Kong's: {@code remove}, {@code rename}, {@code set}, {@code add}.
 *
 * @param remove names to remove
 * @param rename old name to new name: every value moves, replacing the new name's values
 * @param set    name to the value that replaces all of its values (or creates it)
 * @param add    values added beside the values a name has, in order
 */
record Edits(List<String> remove, Map<String, String> rename, Map<String, Template> set, List<Map.Entry<String, Template>> add) {

    /** No edit. */
    static final Edits NONE = new Edits(List.of(), Map.of(), Map.of(), List.of());

    /**
     * @return whether there is no edit
     */
    boolean isEmpty() {
        return remove.isEmpty() && rename.isEmpty() && set.isEmpty() && add.isEmpty();
    }

    /**
     * Reads {@code {remove, rename, set, add}}, recording every problem.
     *
     * @param node  the edits' node
     * @param match the route's matchers, or {@code null}
     * @param names checks one name: returns why it cannot be edited, or {@code null} when it can
     * @return the edits read, unusable ones left out
     */
    static Edits parse(ConfigNode node, RouteDefinition.@Nullable Match match, Function<String, String> names) {
        if (node.isMissing()) {
            return NONE;
        }
        if (!(node.raw() instanceof Map<?, ?>)) {
            node.problem("must be a map with remove, rename, set and add");
            return NONE;
        }
        node.allowOnly("remove", "rename", "set", "add");
        List<String> remove = new ArrayList<>();
        for (ConfigNode element : node.get("remove").elements()) {
            String name = name(element, names);
            if (name != null) {
                remove.add(name);
            }
        }
        Map<String, String> rename = new LinkedHashMap<>();
        node.get("rename").entries().forEach((from, to) -> {
            String target = name(to, names);
            String why = names.apply(from);
            if (why != null) {
                to.problem("renames '" + from + "', which " + why);
            } else if (target != null) {
                if (target.equalsIgnoreCase(from)) {
                    to.problem("renames '" + from + "' to itself");
                } else {
                    rename.put(from, target);
                }
            }
        });
        Map<String, Template> set = new LinkedHashMap<>();
        node.get("set").entries().forEach((name, value) -> {
            String why = names.apply(name);
            if (why != null) {
                value.problem("'" + name + "' " + why);
                return;
            }
            Template template = Template.parse(value, match);
            if (template != null) {
                set.put(name, template);
            }
        });
        List<Map.Entry<String, Template>> add = new ArrayList<>();
        node.get("add").entries().forEach((name, value) -> {
            String why = names.apply(name);
            if (why != null) {
                value.problem("'" + name + "' " + why);
                return;
            }
            // One value, or a list of them.
            for (ConfigNode element : value.elements()) {
                Template template = Template.parse(element, match);
                if (template != null) {
                    add.add(Map.entry(name, template));
                }
            }
        });
        if (((Map<?, ?>) node.raw()).isEmpty()) {
            node.problem("names no edit: give remove, rename, set or add");
        }
        return new Edits(List.copyOf(remove), ordered(rename), ordered(set), List.copyOf(add));
    }

    /** The configured order is the order edits apply in. */
    private static <V> Map<String, V> ordered(Map<String, V> map) {
        return map.isEmpty() ? Map.of() : Collections.unmodifiableMap(map);
    }

    private static String name(ConfigNode node, Function<String, String> names) {
        String name = node.requiredString();
        if (name == null) {
            return null;
        }
        String why = names.apply(name);
        if (why != null) {
            node.problem("'" + name + "' " + why);
            return null;
        }
        return name;
    }
}
