package io.gatehouse.route;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;

import java.util.Arrays;
import java.util.Map;

/**
 * Turns a request path, as the client encoded it, into the one path every later step uses: route
 * matching, gateway-owned path checks, route access and the path forwarded upstream. A path that
 * cannot be made unambiguous is refused with 400 {@code invalid_path} instead.
 *
 * <p>The rule (documented in {@code docs/reliability.md#path-normalisation}):
 * <ol>
 *   <li>Refused outright: a path that does not start with {@code /}; a raw character that is a
 *       control character, a space, DEL or not ASCII ({@code invalid_character}); a backslash,
 *       raw or as {@code %5C} ({@code backslash}); a semicolon ({@code semicolon}); a {@code %}
 *       without two hex digits ({@code invalid_percent_encoding}); an encoded control character
 *       such as {@code %00} ({@code control_character}); an encoded percent followed by two hex
 *       digits, such as {@code %252e} ({@code double_encoding}); encoded bytes that are not
 *       shortest-form UTF-8, overlong {@code %C0%AE} included ({@code invalid_utf8}); an encoded
 *       slash {@code %2F} ({@code encoded_slash}) unless {@code keepEncodedSlash}.</li>
 *   <li>Percent-encoded unreserved characters (RFC 3986 §2.3: letters, digits, {@code -._~}) are
 *       decoded once, so {@code %2e} is a dot; every other encoding stays, its hex digits upper
 *       case.</li>
 *   <li>Empty segments are dropped ({@code //} is {@code /}), then dot segments are removed as
 *       RFC 3986 §5.2.4 does; a {@code ..} with nothing left to remove ({@code above_root}) is
 *       refused. A path that ends in a slash, {@code .} or {@code ..} keeps one trailing slash.</li>
 * </ol>
 *
 * <p>A path with none of {@code %}, {@code \}, {@code ;}, {@code //}, a dot segment or an unusual
 * character is returned as the same instance after one scan, without allocating.
 */
public final class PathNormaliser {

    /** The refusal reason of a path that does not start with {@code /}. */
    public static final String NOT_ABSOLUTE = "not_absolute";
    /** The refusal reason of a raw control character, space, DEL or non-ASCII character. */
    public static final String INVALID_CHARACTER = "invalid_character";
    /** The refusal reason of a backslash, raw or encoded. */
    public static final String BACKSLASH = "backslash";
    /** The refusal reason of a semicolon (path parameters). */
    public static final String SEMICOLON = "semicolon";
    /** The refusal reason of a {@code %} without two hex digits. */
    public static final String INVALID_PERCENT_ENCODING = "invalid_percent_encoding";
    /** The refusal reason of an encoded control character such as {@code %00}. */
    public static final String CONTROL_CHARACTER = "control_character";
    /** The refusal reason of an encoded percent that encodes again, such as {@code %252e}. */
    public static final String DOUBLE_ENCODING = "double_encoding";
    /** The refusal reason of encoded bytes that are not shortest-form UTF-8. */
    public static final String INVALID_UTF8 = "invalid_utf8";
    /** The refusal reason of an encoded slash. */
    public static final String ENCODED_SLASH = "encoded_slash";
    /** The refusal reason of a {@code ..} that climbs above the root. */
    public static final String ABOVE_ROOT = "above_root";

    /** The normaliser with the safe defaults: an encoded slash is refused. */
    public static final PathNormaliser DEFAULT = new PathNormaliser(false);

    private static final String MESSAGE = "The request path is not accepted: ";

    private final boolean keepEncodedSlash;

    /**
     * @param keepEncodedSlash whether {@code %2F} is kept, encoded, as part of a segment rather than refused
     */
    public PathNormaliser(boolean keepEncodedSlash) {
        this.keepEncodedSlash = keepEncodedSlash;
    }

    /**
     * @return whether {@code %2F} is kept rather than refused
     */
    public boolean keepsEncodedSlash() {
        return keepEncodedSlash;
    }

    /**
     * @param path a request path without query, as the client encoded it
     * @return the normalised path; {@code path} itself when it is already normal
     * @throws InvalidPathException when the path cannot be made unambiguous
     */
    public String normalise(String path) {
        if (isPlain(path)) {
            return path;
        }
        return removeDotSegments(decodeUnreserved(path));
    }

    /**
     * Why the default rule refuses a request target that a runtime could not even parse (Micronaut
     * answers such a target before any filter runs), so that its 400 names the same reason.
     *
     * @param target a request target as the client sent it (origin-form or absolute-form), with or
     *               without a query
     * @return the refusal of its path; {@code invalid_character} when the path alone is acceptable
     */
    public static InvalidPathException refusalOf(String target) {
        int scheme = target.startsWith("/") ? -1 : target.indexOf("://");
        int start = scheme < 0 ? 0 : Math.max(0, target.indexOf('/', scheme + 3));
        int question = target.indexOf('?', start);
        try {
            DEFAULT.normalise(target.substring(start, question < 0 ? target.length() : question));
        } catch (InvalidPathException e) {
            return e;
        }
        return refused(INVALID_CHARACTER, "the request target cannot be parsed");
    }

    /**
     * One scan: {@code true} when the path starts with {@code /} and has no character or sequence
     * that normalisation would change or refuse.
     */
    private static boolean isPlain(String path) {
        int length = path.length();
        if (length == 0 || path.charAt(0) != '/') {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c >= 0x7F || c == '%' || c == '\\' || c == ';') {
                return false;
            }
            if (c == '/' && i + 1 < length) {
                char next = path.charAt(i + 1);
                if (next == '/') {
                    return false;
                }
                if (next == '.') {
                    // "/." or "/.." followed by a slash or the end is a dot segment.
                    int after = i + 2 < length && path.charAt(i + 2) == '.' ? i + 3 : i + 2;
                    if (after == length || path.charAt(after) == '/') {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Refuses what cannot be made unambiguous and decodes unreserved characters once. */
    private String decodeUnreserved(String path) {
        int length = path.length();
        if (length == 0 || path.charAt(0) != '/') {
            throw refused(NOT_ABSOLUTE, "it must start with '/'");
        }
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                throw refused(BACKSLASH, "a backslash is not a path separator here");
            }
            if (c <= ' ' || c >= 0x7F) {
                throw refused(INVALID_CHARACTER, "control characters, spaces and non-ASCII characters must be percent-encoded");
            }
            if (c == ';') {
                throw refused(SEMICOLON, "path parameters (';') are not accepted");
            }
            if (c != '%') {
                out.append(c);
                continue;
            }
            int value = octet(path, i);
            if (value < 0) {
                throw refused(INVALID_PERCENT_ENCODING, "'%' must be followed by two hex digits");
            }
            if (unreserved(value)) {
                out.append((char) value);
            } else if (value == '/') {
                if (!keepEncodedSlash) {
                    throw refused(ENCODED_SLASH, "an encoded slash (%2F) is ambiguous");
                }
                out.append("%2F");
            } else if (value == '\\') {
                throw refused(BACKSLASH, "an encoded backslash (%5C) is ambiguous");
            } else if (value < 0x20 || value == 0x7F) {
                throw refused(CONTROL_CHARACTER, "encoded control characters such as %00 are not accepted");
            } else if (value == '%' && i + 4 < length && hex(path.charAt(i + 3)) >= 0 && hex(path.charAt(i + 4)) >= 0) {
                throw refused(DOUBLE_ENCODING, "an encoded '%' may not encode again (%25 followed by two hex digits)");
            } else if (value >= 0x80) {
                int end = utf8Sequence(path, i, value);
                appendUpper(out, path, i, end);
                i = end - 1;
                continue;
            } else {
                appendUpper(out, path, i, i + 3);
            }
            i += 2;
        }
        return out.toString();
    }

    /**
     * @return the end of the valid UTF-8 sequence of encoded octets starting at {@code start}
     */
    private static int utf8Sequence(String path, int start, int lead) {
        int count;
        int low = 0x80;
        int high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            count = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            count = 2;
            low = lead == 0xE0 ? 0xA0 : 0x80;
            high = lead == 0xED ? 0x9F : 0xBF;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            count = 3;
            low = lead == 0xF0 ? 0x90 : 0x80;
            high = lead == 0xF4 ? 0x8F : 0xBF;
        } else {
            // A continuation byte first, C0/C1 (always overlong), or F5 and above.
            throw invalidUtf8();
        }
        int i = start + 3;
        for (int n = 0; n < count; n++, i += 3) {
            int value = i < path.length() && path.charAt(i) == '%' ? octet(path, i) : -1;
            int min = n == 0 ? low : 0x80;
            int max = n == 0 ? high : 0xBF;
            if (value < min || value > max) {
                throw invalidUtf8();
            }
        }
        return i;
    }

    private static InvalidPathException invalidUtf8() {
        return refused(INVALID_UTF8, "encoded bytes must be shortest-form UTF-8");
    }

    /** RFC 3986 §5.2.4 over a decoded path, with empty segments merged and no climbing above the root. */
    private static String removeDotSegments(String path) {
        int length = path.length();
        // Segment boundaries kept in an int stack: out holds "/seg" pieces.
        StringBuilder out = new StringBuilder(length);
        int[] starts = new int[16];
        int depth = 0;
        boolean trailingSlash = false;
        int i = 1;
        while (i <= length) {
            int end = path.indexOf('/', i);
            if (end < 0) {
                end = length;
            }
            int segment = end - i;
            boolean last = end == length;
            if (segment == 0) {
                trailingSlash = last;
            } else if (segment == 1 && path.charAt(i) == '.') {
                trailingSlash = last;
            } else if (segment == 2 && path.charAt(i) == '.' && path.charAt(i + 1) == '.') {
                if (depth == 0) {
                    throw refused(ABOVE_ROOT, "'..' climbs above the root");
                }
                out.setLength(starts[--depth]);
                trailingSlash = last;
            } else {
                if (depth == starts.length) {
                    starts = Arrays.copyOf(starts, depth * 2);
                }
                starts[depth++] = out.length();
                out.append('/').append(path, i, end);
                trailingSlash = false;
            }
            i = end + 1;
        }
        if (out.isEmpty() || trailingSlash) {
            out.append('/');
        }
        return out.toString();
    }

    private static boolean unreserved(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
            || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** The octet encoded at {@code i} ({@code %XX}), or -1. */
    private static int octet(String path, int i) {
        if (i + 2 >= path.length() || path.charAt(i) != '%') {
            return -1;
        }
        int high = hex(path.charAt(i + 1));
        int low = hex(path.charAt(i + 2));
        return high < 0 || low < 0 ? -1 : high << 4 | low;
    }

    /** The value of an ASCII hex digit, or -1 (not {@link Character#digit}, which takes other scripts' digits). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static void appendUpper(StringBuilder out, String path, int from, int to) {
        for (int i = from; i < to; i++) {
            out.append(Character.toUpperCase(path.charAt(i)));
        }
    }

    private static InvalidPathException refused(String reason, String why) {
        return new InvalidPathException(reason, MESSAGE + why + ".");
    }

    /**
     * A path {@link PathNormaliser} refuses: 400 {@code invalid_path} with {@code details.reason}.
     */
    public static final class InvalidPathException extends GatewayException {

        private final String reason;

        InvalidPathException(String reason, String message) {
            super(ErrorCode.INVALID_PATH, message, Map.of("reason", reason), Map.of());
            this.reason = reason;
        }

        /**
         * @return why the path was refused, one of the reason constants of {@link PathNormaliser}
         */
        public String reason() {
            return reason;
        }
    }
}
