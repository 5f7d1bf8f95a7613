package io.gatehouse.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in a parsed configuration tree (YAML maps, lists and scalars) that knows its source
 * and field path, so every problem is reported as {@code file: routes[2].timeouts.connect: ...}.
 * Readers never throw on bad input: they record a problem and return a fallback, so one pass
 * reports every problem of a file.
 */
public final class ConfigNode {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*(b|kb|kib|mb|mib|gb|gib)?");

    private final String source;
    private final String path;
    private final Object value;
    private final List<DefinitionProblem> problems;

    private ConfigNode(String source, String path, Object value, List<DefinitionProblem> problems) {
        this.source = source;
        this.path = path;
        this.value = value;
        this.problems = problems;
    }

    /**
     * @param source   where the tree came from, such as a file path
     * @param value    the parsed tree
     * @param problems where problems are collected
     * @return the root node
     */
    public static ConfigNode root(String source, Object value, List<DefinitionProblem> problems) {
        return new ConfigNode(source, "", value, problems);
    }

    /**
     * @return the source of this node
     */
    public String source() {
        return source;
    }

    /**
     * @return the field path of this node, such as {@code routes[1].match.path}
     */
    public String path() {
        return path;
    }

    /**
     * @return whether the node has no value
     */
    public boolean isMissing() {
        return value == null;
    }

    /**
     * @return the raw value
     */
    public Object raw() {
        return value;
    }

    /**
     * Records a problem at this node.
     *
     * @param message what is wrong
     */
    public void problem(String message) {
        problems.add(new DefinitionProblem(source, path, message));
    }

    /**
     * @param key a field name
     * @return the child node; missing when this node is not a map or lacks the key
     */
    public ConfigNode get(String key) {
        Object child = null;
        if (value instanceof Map<?, ?> map) {
            child = map.get(key);
            if (child == null) {
                child = map.get(camel(key));
            }
        }
        return new ConfigNode(source, path.isEmpty() ? key : path + "." + key, child, problems);
    }

    /**
     * Reports keys of this map that are not among the known ones, so a typo does not silently
     * fall back to a default.
     *
     * @param known the accepted keys (kebab-case; camelCase spellings are accepted too)
     */
    public void allowOnly(String... known) {
        if (!(value instanceof Map<?, ?> map)) {
            return;
        }
        List<String> accepted = new ArrayList<>();
        for (String k : known) {
            accepted.add(k);
            accepted.add(camel(k));
        }
        for (Object key : map.keySet()) {
            if (!accepted.contains(String.valueOf(key))) {
                new ConfigNode(source, path.isEmpty() ? String.valueOf(key) : path + "." + key, null, problems)
                    .problem("unknown field (expected one of " + String.join(", ", known) + ")");
            }
        }
    }

    /**
     * @return the entries of this map node, in order; empty with a problem when it is not a map
     */
    public Map<String, ConfigNode> entries() {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> map)) {
            problem("must be a map, not " + describe(value));
            return out;
        }
        map.forEach((k, v) -> out.put(String.valueOf(k),
            new ConfigNode(source, path.isEmpty() ? String.valueOf(k) : path + "." + k, v, problems)));
        return out;
    }

    /**
     * @return the elements of this list node; a single scalar counts as a one-element list
     */
    public List<ConfigNode> elements() {
        List<ConfigNode> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                out.add(new ConfigNode(source, path + "[" + i + "]", list.get(i), problems));
            }
        } else if (value instanceof Map<?, ?> map && isIndexed(map)) {
            // Micronaut's property sources turn YAML lists into maps keyed 0, 1, 2...
            for (int i = 0; i < map.size(); i++) {
                out.add(new ConfigNode(source, path + "[" + i + "]", map.get(String.valueOf(i)), problems));
            }
        } else if (value instanceof Map<?, ?>) {
            problem("must be a list, not a map");
        } else {
            out.add(this);
        }
        return out;
    }

    /**
     * @param fallback the value when missing
     * @return the text of a scalar node
     */
    public String string(String fallback) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            problem("must be a single value, not " + describe(value));
            return fallback;
        }
        return String.valueOf(value).trim();
    }

    /**
     * @return the text of a scalar node that must be present and not blank
     */
    public String requiredString() {
        String text = string(null);
        if (text == null || text.isEmpty()) {
            if (value == null) {
                problem("is required");
            } else if (text != null) {
                problem("must not be blank");
            }
            return null;
        }
        return text;
    }

    /**
     * @param fallback the value when missing
     * @param min      the smallest accepted value
     * @param max      the largest accepted value
     * @return the integer value
     */
    public int integer(int fallback, int min, int max) {
        String text = string(null);
        if (text == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(text);
            if (parsed < min || parsed > max) {
                problem("must be between " + min + " and " + max + ", not " + parsed);
                return fallback;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problem("must be a whole number, not '" + text + "'");
            return fallback;
        }
    }

    /**
     * @param fallback the value when missing
     * @return the boolean value
     */
    public boolean bool(boolean fallback) {
        String text = string(null);
        if (text == null) {
            return fallback;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> {
                problem("must be true or false, not '" + text + "'");
                yield fallback;
            }
        };
    }

    /**
     * @param fallback the value when missing
     * @return a duration written as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601
     */
    public Duration duration(Duration fallback) {
        String text = string(null);
        if (text == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "ms" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        try {
            return Duration.parse(text);
        } catch (RuntimeException e) {
            problem("must be a duration such as 250ms, 5s or 2m, not '" + text + "'");
            return fallback;
        }
    }

    /**
     * @param fallback the value when missing
     * @param min      the smallest accepted number of bytes
     * @param max      the largest accepted number of bytes
     * @return a size written as a number of bytes or with a unit: {@code 512KiB}, {@code 1MiB},
     *     {@code 2GiB} ({@code KB}, {@code MB} and {@code GB} are read as the same powers of 1024,
     *     as Micronaut reads {@code max-request-size: 10MB}); case does not matter
     */
    public long bytes(long fallback, long min, long max) {
        String text = string(null);
        if (text == null) {
            return fallback;
        }
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            problem("must be a size such as 65536, 512KiB or 1MiB, not '" + text + "'");
            return fallback;
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        long bytes = amount > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : amount << shift;
        if (bytes < min || bytes > max) {
            problem("must be between " + min + " and " + max + " bytes, not '" + text + "'");
            return fallback;
        }
        return bytes;
    }

    /**
     * @param fallback the value when missing
     * @param type     the enum
     * @param <E>      the enum type
     * @return the constant whose kebab-case name matches
     */
    public <E extends Enum<E>> E choice(E fallback, Class<E> type) {
        String text = string(null);
        if (text == null) {
            return fallback;
        }
        for (E constant : type.getEnumConstants()) {
            if (kebab(constant.name()).equals(text.toLowerCase(Locale.ROOT).replace('_', '-'))) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(kebab(constant.name()));
        }
        problem("must be one of " + String.join(", ", names) + ", not '" + text + "'");
        return fallback;
    }

    /**
     * @return an absolute http or https URL, or {@code null} with a problem
     */
    public URI httpUrl() {
        String text = requiredString();
        if (text == null) {
            return null;
        }
        try {
            URI uri = URI.create(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("ws") && !scheme.equals("wss")
                || uri.getHost() == null) {
                problem("must be an absolute http(s) URL such as http://10.0.0.5:8080, not '" + text + "'");
                return null;
            }
            return uri;
        } catch (IllegalArgumentException e) {
            problem("is not a valid URL: " + e.getMessage());
            return null;
        }
    }

    /**
     * @param mapper turns each element into a value
     * @param <T>    the value type
     * @return the list of mapped values, skipping {@code null}s
     */
    public <T> List<T> list(Function<ConfigNode, T> mapper) {
        List<T> out = new ArrayList<>();
        for (ConfigNode element : elements()) {
            T mapped = mapper.apply(element);
            if (mapped != null) {
                out.add(mapped);
            }
        }
        return out;
    }

    static String kebab(String enumName) {
        return enumName.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String camel(String kebab) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    private static boolean isIndexed(Map<?, ?> map) {
        for (int i = 0; i < map.size(); i++) {
            if (!map.containsKey(String.valueOf(i))) {
                return false;
            }
        }
        return !map.isEmpty();
    }

    private static String describe(Object value) {
        if (value instanceof Map<?, ?>) {
            return "a map";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        return "'" + value + "'";
    }
}
