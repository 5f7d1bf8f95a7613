package io.gatehouse.migration;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Gatehouse route file being built by an importer: upstreams, routes and consumers, each with
 * comments written above it (what a key does not carry over, a plan kept as a comment), the
 * application properties the file needs, and everything that could not be mapped, with why.
 */
public final class RouteFile {

    /** A route's keys in the order docs/routes.md lists them, so imported routes read like written ones. */
    private static final List<String> ROUTE_KEYS = List.of("id", "match", "priority", "strip-prefix", "rewrite", "upstream",
        "host-header", "timeouts", "retries", "auth", "claims", "authorization");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * Something of the source configuration that has no place in the route file.
     *
     * @param where where it is in the source, such as {@code services[orders].plugins[cors]}
     * @param why   why it was not mapped, and what to do instead when there is something
     */
    public record Unmapped(String where, String why) {

        @Override
        public String toString() {
            return where + ": " + why;
        }
    }

    /**
     * An application property the imported file needs (it is not part of a route file).
     *
     * @param property the property, such as {@code gateway.jwt.secret}
     * @param value    the value to set, or a description of it when it is a secret
     * @param why      where it comes from
     */
    public record Setting(String property, String value, String why) {
    }

    /** One entry of a section with the comments written above it. */
    private record Entry(Object body, List<String> comments) {
    }

    private final String origin;
    private final Map<String, Entry> upstreams = new LinkedHashMap<>();
    private final List<Entry> routes = new ArrayList<>();
    private final Map<String, Entry> consumers = new LinkedHashMap<>();
    private final List<Unmapped> unmapped = new ArrayList<>();
    private final Map<String, Setting> settings = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    /**
     * @param origin what was imported, for the file's header
     */
    public RouteFile(String origin) {
        this.origin = origin;
    }

    /**
     * @param name     the upstream's name
     * @param body     its definition
     * @param comments lines written above it
     */
    public void upstream(String name, Map<String, Object> body, List<String> comments) {
        upstreams.put(name, new Entry(body, List.copyOf(comments)));
    }

    /**
     * @param name the upstream's name
     * @return whether it is defined
     */
    public boolean hasUpstream(String name) {
        return upstreams.containsKey(name);
    }

    /**
     * @param body     the route, {@code id} first
     * @param comments lines written above it
     */
    public void route(Map<String, Object> body, List<String> comments) {
        Map<String, Object> ordered = new LinkedHashMap<>();
        ROUTE_KEYS.forEach(key -> {
            if (body.containsKey(key)) {
                ordered.put(key, body.get(key));
            }
        });
        body.forEach(ordered::putIfAbsent);
        routes.add(new Entry(ordered, List.copyOf(comments)));
    }

    /**
     * @param name     the consumer's name
     * @param body     its groups and keys
     * @param comments lines written above it
     */
    public void consumer(String name, Map<String, Object> body, List<String> comments) {
        consumers.put(name, new Entry(body, List.copyOf(comments)));
    }

    /**
     * @param where where it is in the source
     * @param why   why it was not mapped
     */
    public void unmapped(String where, String why) {
        unmapped.add(new Unmapped(where, why));
    }

    /**
     * @param property the property
     * @param value    its value or a description of it
     * @param why      where it comes from
     */
    public void setting(String property, String value, String why) {
        settings.putIfAbsent(property, new Setting(property, value, why));
    }

    /**
     * @param note something mapped in a way worth telling (a plugin that Gatehouse has built in)
     */
    public void note(String note) {
        notes.add(note);
    }

    /**
     * @return what could not be mapped, in the order met
     */
    public List<Unmapped> unmapped() {
        return List.copyOf(unmapped);
    }

    /**
     * @return the application properties the file needs
     */
    public List<Setting> settings() {
        return List.copyOf(settings.values());
    }

    /**
     * @return what was mapped in a way worth telling
     */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * @return the number of routes
     */
    public int routeCount() {
        return routes.size();
    }

    /**
     * @return the route file as YAML, with its comments
     */
    public String yaml() {
        StringBuilder out = new StringBuilder();
        out.append("# Imported from ").append(origin).append(" by bin/gatehouse import.\n");
        out.append("# Check it with bin/gatehouse validate before you deploy it.\n");
        if (!settings.isEmpty()) {
            out.append("#\n# Application properties this file needs (environment variables or application.yml):\n");
            settings.values().forEach(s -> out.append("#   ").append(s.property()).append(" = ").append(s.value())
                .append("   (").append(s.why()).append(")\n"));
        }
        if (!unmapped.isEmpty()) {
            out.append("#\n# Not mapped (").append(unmapped.size()).append("):\n");
            unmapped.forEach(u -> out.append("#   ").append(u).append('\n'));
        }
        if (!upstreams.isEmpty()) {
            out.append("\nupstreams:\n");
            upstreams.forEach((name, entry) -> section(out, entry, Map.of(name, entry.body())));
        }
        if (!routes.isEmpty()) {
            out.append("\nroutes:\n");
            routes.forEach(entry -> section(out, entry, List.of(entry.body())));
        }
        if (!consumers.isEmpty()) {
            out.append("\nconsumers:\n");
            consumers.forEach((name, entry) -> section(out, entry, Map.of(name, entry.body())));
        }
        return out.toString();
    }

    private static void section(StringBuilder out, Entry entry, Object wrapped) {
        entry.comments().forEach(c -> out.append("  # ").append(c).append('\n'));
        for (String line : dumper().dump(wrapped).split("\n")) {
            out.append("  ").append(line).append('\n');
        }
    }

    private static Yaml dumper() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(120);
        options.setSplitLines(false);
        return new Yaml(options);
    }

    /**
     * @param text any name
     * @return it as a Gatehouse id or name: letters, digits, '.', '_', '-', starting with a letter or digit
     */
    public static String name(String text) {
        String cleaned = text == null ? "" : text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
            .replaceAll("^[^a-z0-9]+", "");
        if (cleaned.length() > 128) {
            cleaned = cleaned.substring(0, 128);
        }
        return NAME.matcher(cleaned).matches() ? cleaned : "unnamed";
    }

    /**
     * @param taken names in use
     * @param base  the wished name
     * @return the base, or base-2, base-3... whichever is free; added to {@code taken}
     */
    public static String unique(java.util.Set<String> taken, String base) {
        String candidate = base;
        for (int i = 2; !taken.add(candidate); i++) {
            candidate = base + "-" + i;
        }
        return candidate;
    }
}
