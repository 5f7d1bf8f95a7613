package io.gatehouse.policy.transform;

import io.gatehouse.policy.PolicyExchange;
import io.micronaut.core.annotation.Nullable;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies query {@link Edits} to a raw query. Parameters the edits do not name keep their bytes
 * exactly as the client sent them; names are compared decoded, and names and values the gateway
 * writes are percent-encoded (a space as {@code %20}).
 */
final class QueryEditor {

    /** One {@code name=value} pair: raw as sent, and the name decoded for comparison. */
    private record Pair(String raw, String name) {
    }

    private QueryEditor() {
    }

    /**
     * @param rawQuery the query, raw, or {@code null}
     * @param edits    the edits
     * @param exchange the request, for the values' templates
     * @return the edited raw query, or {@code null} when no parameter is left
     */
    static @Nullable String apply(@Nullable String rawQuery, Edits edits, PolicyExchange exchange) {
        List<Pair> pairs = parse(rawQuery);
        for (String name : edits.remove()) {
            pairs.removeIf(pair -> pair.name().equals(name));
        }
        for (Map.Entry<String, String> rename : edits.rename().entrySet()) {
            String from = rename.getKey();
            String to = rename.getValue();
            if (pairs.stream().noneMatch(pair -> pair.name().equals(from))) {
                continue;
            }
            pairs.removeIf(pair -> pair.name().equals(to));
            pairs.replaceAll(pair -> {
                if (!pair.name().equals(from)) {
                    return pair;
                }
                int equals = pair.raw().indexOf('=');
                return new Pair(encode(to) + (equals < 0 ? "" : pair.raw().substring(equals)), to);
            });
        }
        edits.set().forEach((name, template) -> {
            pairs.removeIf(pair -> pair.name().equals(name));
            String value = template.expand(exchange);
            if (value != null) {
                pairs.add(new Pair(encode(name) + "=" + encode(value), name));
            }
        });
        for (Map.Entry<String, Template> add : edits.add()) {
            String value = add.getValue().expand(exchange);
            if (value != null) {
                pairs.add(new Pair(encode(add.getKey()) + "=" + encode(value), add.getKey()));
            }
        }
        if (pairs.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (Pair pair : pairs) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(pair.raw());
        }
        return out.toString();
    }

    private static List<Pair> parse(@Nullable String rawQuery) {
        List<Pair> pairs = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return pairs;
        }
        for (String raw : rawQuery.split("&")) {
            if (raw.isEmpty()) {
                continue;
            }
            int equals = raw.indexOf('=');
            pairs.add(new Pair(raw, decode(equals < 0 ? raw : raw.substring(0, equals))));
        }
        return pairs;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            // A malformed escape: the name is compared as sent.
            return raw;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
