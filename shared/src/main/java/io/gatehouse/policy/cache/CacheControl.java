package io.gatehouse.policy.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The directives of {@code Cache-Control} field lines (RFC 9111 §5.2), as the cache reads them:
 * names case-insensitive, quoted values unquoted, every line of a repeated field together. A
 * delta-seconds value that is not a number reads as {@code 0}: a response that cannot say how
 * fresh it is counts as stale.
 */
final class CacheControl {

    private static final CacheControl NONE = new CacheControl(Map.of());

    /** What a delta-seconds too large to read stands for: 2^31 seconds (RFC 9111 §1.2.2). */
    private static final long OVERFLOW = 2_147_483_648L;

    private final Map<String, String> directives;

    private CacheControl(Map<String, String> directives) {
        this.directives = directives;
    }

    /**
     * @param lines every {@code Cache-Control} field line
     * @return their directives
     */
    static CacheControl of(List<String> lines) {
        if (lines.isEmpty()) {
            return NONE;
        }
        Map<String, String> directives = new HashMap<>();
        for (String line : lines) {
            for (String part : split(line)) {
                String directive = part.trim();
                if (directive.isEmpty()) {
                    continue;
                }
                int equals = directive.indexOf('=');
                String name = (equals < 0 ? directive : directive.substring(0, equals)).trim().toLowerCase(Locale.ROOT);
                String value = equals < 0 ? "" : unquote(directive.substring(equals + 1).trim());
                directives.putIfAbsent(name, value);
            }
        }
        return new CacheControl(directives);
    }

    /** Splits on commas outside quoted strings. */
    private static List<String> split(String line) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                parts.add(line.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(line.substring(start));
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }

    /**
     * @return whether no directive was given
     */
    boolean isEmpty() {
        return directives.isEmpty();
    }

    /**
     * @param name a directive
     * @return whether it is present
     */
    boolean has(String name) {
        return directives.containsKey(name);
    }

    /**
     * @param name a delta-seconds directive such as {@code max-age}
     * @return its value in seconds, {@code 0} when it is not a number, {@code null} when absent
     */
    Long seconds(String name) {
        String value = directives.get(name);
        if (value == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value);
            return Math.max(0, seconds);
        } catch (NumberFormatException e) {
            // Too large for a long is "as good as forever" (RFC 9111 §1.2.2); anything else is no number.
            return value.chars().allMatch(Character::isDigit) && !value.isEmpty() ? OVERFLOW : 0L;
        }
    }
}
