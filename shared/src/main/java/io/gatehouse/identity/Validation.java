package io.gatehouse.identity;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects field problems of an identity request and reports them the way the error envelope
 * reports failed validation: 400 {@code validation_failed} with {@code details.violations}.
 */
public final class Validation {

    /** Names of projects, services, consumers, groups, clients, scopes. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d)");

    private final List<Map<String, String>> violations = new ArrayList<>();
    private final Map<String, String> spellings = new java.util.HashMap<>();

    /**
     * @param field   the field's name in the request
     * @param message what is wrong
     * @return this
     */
    public Validation problem(String field, String message) {
        violations.add(Map.of("field", field, "message", message));
        return this;
    }

    /**
     * @param field the field's name
     * @param value its value
     * @param required whether it must be present
     * @return the trimmed value, or {@code null}
     */
    public String name(String field, String value, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                problem(field, "is required");
            }
            return null;
        }
        String trimmed = value.trim();
        if (!NAME.matcher(trimmed).matches()) {
            problem(field, "must be 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        return trimmed;
    }

    /**
     * @param field a list field
     * @param values its values, may be {@code null}
     * @return the distinct trimmed names in order
     */
    public List<String> names(String field, List<String> values) {
        List<String> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        for (int i = 0; i < values.size(); i++) {
            String value = name(field + "[" + i + "]", values.get(i), true);
            if (value != null && !out.contains(value)) {
                out.add(value);
            }
        }
        return out;
    }

    /**
     * @param field the field's name
     * @param text  {@code 30d}, {@code 12h}, {@code 90m}, {@code 3600s} or ISO-8601
     * @return the positive duration, or {@code null} when absent or invalid
     */
    public Duration duration(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(value);
        Duration duration = null;
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            duration = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } else {
            try {
                duration = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                problem(field, "must be a duration such as 30d, 12h, 90m, 3600s or P30D");
                return null;
            }
        }
        if (duration.isNegative() || duration.isZero()) {
            problem(field, "must be positive");
            return null;
        }
        return duration;
    }

    /**
     * @param field the field's (or query parameter's) name
     * @param text  an ISO-8601 instant such as {@code 2026-12-01T10:00:00Z}
     * @return the instant, or {@code null} when absent or invalid
     */
    public Instant instant(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            problem(field, "must be an ISO-8601 instant such as 2026-12-01T10:00:00Z");
            return null;
        }
    }

    /**
     * Reports the problems of a field under the name the request used for it, when a request
     * shape spells a field differently (an accepted alias): {@code spelled("client_id",
     * "oidc_client_id")} turns {@code client_id} and {@code client_id[0]} into
     * {@code oidc_client_id} and {@code oidc_client_id[0]}.
     *
     * @param field   the field's own name
     * @param asSent  the name the request used
     * @return this
     */
    public Validation spelled(String field, String asSent) {
        spellings.put(field, asSent);
        return this;
    }

    private Map<String, String> asSent(Map<String, String> violation) {
        String field = violation.get("field");
        int end = 0;
        while (end < field.length() && field.charAt(end) != '[' && field.charAt(end) != '.') {
            end++;
        }
        String spelling = spellings.get(field.substring(0, end));
        return spelling == null ? violation : Map.of("field", spelling + field.substring(end), "message", violation.get("message"));
    }

    /**
     * @throws GatewayException 400 {@code validation_failed} when any problem was found
     */
    public void check() {
        if (!violations.isEmpty()) {
            violations.replaceAll(this::asSent);
            violations.sort(Comparator.comparing(v -> v.get("field")));
            throw new GatewayException(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                Map.of("violations", List.copyOf(violations)), Map.of());
        }
    }
}
