package io.gatehouse.migration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading the parsed YAML trees of other gateways' files, where any node may be missing or of another shape. */
final class Trees {

    private Trees() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        if (!(node instanceof Map<?, ?> map)) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<Object, Object>) map).forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    static List<Object> list(Object node) {
        if (node instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        return node == null ? List.of() : List.of(node);
    }

    static List<String> strings(Object node) {
        return list(node).stream().filter(v -> v != null).map(String::valueOf).toList();
    }

    static String string(Object node, String fallback) {
        return node == null || node instanceof Map<?, ?> || node instanceof List<?> ? fallback : String.valueOf(node);
    }

    static boolean bool(Object node, boolean fallback) {
        return node instanceof Boolean b ? b : node == null ? fallback : Boolean.parseBoolean(String.valueOf(node));
    }

    static Long number(Object node) {
        if (node instanceof Number n) {
            return n.longValue();
        }
        try {
            return node == null ? null : Long.parseLong(String.valueOf(node).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
