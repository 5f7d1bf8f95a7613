package io.gatehouse.policy.idempotency;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * The {@code Idempotency-Key} header (draft-ietf-httpapi-idempotency-key-header) as every part of
 * the gateway reads it: a route's idempotency policy ({@link IdempotencyPolicy}) and the session
 * intake, whose keys are kept in the database.
 */
public final class IdempotencyKeys {

    /** The request header. */
    public static final String HEADER = "Idempotency-Key";

    /** The response header marking a replay. */
    public static final String REPLAYED = "Idempotent-Replayed";

    /** The longest key accepted, in characters. */
    public static final int MAX_LENGTH = 255;

    /** What a refused key is told, as the {@code message} of the 400 envelope. */
    public static final String INVALID = "The " + HEADER + " header must be sent once, as 1 to " + MAX_LENGTH
        + " visible ASCII characters without commas, optionally in double quotes.";

    /** The {@code details.reason} of that refusal. */
    public static final String INVALID_REASON = "idempotency_key_invalid";

    private IdempotencyKeys() {
    }

    /**
     * @param values the values of every {@code Idempotency-Key} field of a request
     * @return the key, or {@code null} when there is not exactly one field or its value is not a key
     */
    public static @Nullable String of(List<String> values) {
        return values.size() == 1 ? parse(values.getFirst()) : null;
    }

    /**
     * @param value an {@code Idempotency-Key} field value: a structured-field string ({@code "..."})
     *              as the draft defines it, or, as most clients send it, a bare key without spaces or
     *              commas (so that two keys joined into one line are refused, not read as one)
     * @return the key, or {@code null} when it is empty, too long or holds other characters
     */
    public static @Nullable String parse(String value) {
        String key = value.trim();
        boolean quoted = key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"");
        if (quoted) {
            key = key.substring(1, key.length() - 1);
        }
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            return null;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean visible = c > 0x20 && c < 0x7f && c != '"' && c != '\\';
            if (!(visible && (quoted || c != ',') || quoted && c == ' ')) {
                return null;
            }
        }
        return key;
    }
}
