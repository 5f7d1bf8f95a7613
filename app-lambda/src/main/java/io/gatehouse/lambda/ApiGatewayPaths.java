package io.gatehouse.lambda;

import io.gatehouse.route.PathNormaliser;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the path a request has inside the API, whatever API Gateway put in front of it.
 *
 * <p>API Gateway reports the called path with prefixes the routes never see: a REST API's custom
 * domain base path mapping is in {@code path}, and an HTTP API's named stage is in {@code rawPath}.
 * The resource template ({@code /{proxy+}}, {@code ANY /v1/{proxy+}}) with its path parameters is
 * the API-relative path without either, so it wins when present. Without a template (an HTTP API's
 * {@code $default} route) a leading stage segment is dropped. Configured base paths are dropped last.
 *
 * <p>Encoding: path parameters arrive decoded, so the template alone would have to re-encode them,
 * and {@code %2F} or a literal {@code :} would come out differently than the client sent them. The
 * path is therefore taken from the called path whenever a tail of it decodes to the template's
 * path: a REST API's {@code path} keeps the client's encoding, so the upstream gets the same bytes
 * the container would forward. An HTTP API delivers {@code rawPath} already decoded; characters that
 * can never stand in an encoded path (space, non-ASCII, a {@code %} without two hex digits) are
 * encoded again, and an encoded slash ({@code %2F}) is a plain {@code /} by then.
 */
final class ApiGatewayPaths {

    private static final Pattern PARAMETER = Pattern.compile("\\{([^}+]+)(\\+)?}");
    /** What may stand unencoded in a path (RFC 3986 pchar and the slash), {@code %} aside. */
    private static final String PATH_CHARS =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/";
    /** What may stand unencoded in a query (RFC 3986 3.4), {@code %} aside. */
    private static final String QUERY_CHARS = PATH_CHARS + "?";

    private ApiGatewayPaths() {
    }

    /**
     * @param template       the resource template, e.g. {@code /{proxy+}}, or {@code null}
     * @param pathParameters API Gateway's path parameters (decoded), or {@code null}
     * @param calledPath     the path as API Gateway reported it
     * @param stage          the stage, or {@code null}; {@code $default} is no stage
     * @param basePaths      configured base paths to drop, such as {@code /gw}
     * @return the path inside the API, always starting with {@code /}
     */
    static String apiRelative(String template, Map<String, String> pathParameters, String calledPath,
                              String stage, List<String> basePaths) {
        String called = encodeUnsafe(calledPath == null || calledPath.isEmpty() ? "/" : calledPath);
        String path = fromTemplate(template, pathParameters, false);
        if (path != null) {
            String raw = tailDecodingTo(called, path);
            path = raw != null ? raw : fromTemplate(template, pathParameters, true);
        } else {
            path = withoutStage(called, stage);
        }
        return withoutBasePath(path, basePaths);
    }

    /**
     * Normalises the API-relative path before Micronaut routes it, so that its own endpoints are
     * matched on the same path as the gateway's routes. A path the rule refuses is left as it is:
     * the gateway's filter answers it with 400 before anything else runs. Its leading slashes are
     * merged into one, since the request URI would read {@code //a/b} as host {@code a}.
     *
     * @param path       an API-relative path, from {@link #apiRelative}
     * @param normaliser the path normalisation rule
     * @return the normalised path, or {@code path} with one leading slash when it is refused
     */
    static String normalised(String path, PathNormaliser normaliser) {
        try {
            return normaliser.normalise(path);
        } catch (PathNormaliser.InvalidPathException e) {
            int start = 0;
            while (start + 1 < path.length() && path.charAt(start + 1) == '/') {
                start++;
            }
            return path.substring(start);
        }
    }

    /** The tail of {@code called}, starting at a slash, whose decoding is {@code decoded}; or {@code null}. */
    private static String tailDecodingTo(String called, String decoded) {
        for (int i = 0; i < called.length(); i++) {
            if (called.charAt(i) == '/') {
                String tail = called.substring(i);
                if (decode(tail).equals(decoded)) {
                    return tail;
                }
            }
        }
        return null;
    }

    /**
     * Percent-encodes, as UTF-8, every character that cannot stand in an encoded path; an encoded
     * path passes unchanged.
     *
     * @param path a path, encoded or decoded
     * @return an encoded path
     */
    static String encodeUnsafe(String path) {
        return encodeUnsafe(path, PATH_CHARS);
    }

    /**
     * Percent-encodes, as UTF-8, every character that cannot stand in an encoded query, and a
     * {@code %} that starts no escape: a client may send {@code ?q=100%}, and API Gateway passes
     * the raw query on as it came.
     *
     * @param query a raw query string
     * @return a query {@link java.net.URI} accepts, meaning the same to a lenient reader
     */
    static String encodeUnsafeQuery(String query) {
        return encodeUnsafe(query, QUERY_CHARS);
    }

    private static String encodeUnsafe(String path, String allowed) {
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); ) {
            int c = path.codePointAt(i);
            int next = i + Character.charCount(c);
            if (c == '%' && i + 2 < path.length() && hex(path.charAt(i + 1)) && hex(path.charAt(i + 2))) {
                out.append('%');
            } else if (c < 0x80 && c != '%' && allowed.indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
            }
            i = next;
        }
        return out.toString();
    }

    private static boolean hex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** Percent-decoding as in a path: a {@code +} stays a plus. */
    private static String decode(String path) {
        return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String fromTemplate(String template, Map<String, String> pathParameters, boolean encode) {
        if (template == null || template.isEmpty() || template.startsWith("$")) {
            return null;
        }
        Matcher matcher = PARAMETER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = pathParameters == null ? null : pathParameters.get(matcher.group(1));
            if (value == null) {
                return null;
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(encode ? encode(value, matcher.group(2) != null) : value));
        }
        matcher.appendTail(out);
        String path = out.toString();
        return path.startsWith("/") ? path : "/" + path;
    }

    private static String withoutStage(String path, String stage) {
        if (stage == null || stage.isEmpty() || "$default".equals(stage)) {
            return path;
        }
        String prefix = "/" + stage;
        if (path.equals(prefix)) {
            return "/";
        }
        return path.startsWith(prefix + "/") ? path.substring(prefix.length()) : path;
    }

    private static String withoutBasePath(String path, List<String> basePaths) {
        for (String basePath : basePaths) {
            String prefix = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
            if (prefix.isEmpty()) {
                continue;
            }
            if (path.equals(prefix)) {
                return "/";
            }
            if (path.startsWith(prefix + "/")) {
                return path.substring(prefix.length());
            }
        }
        return path;
    }

    /** Path parameters arrive decoded; re-encode them, keeping the slashes of greedy ones. */
    private static String encode(String value, boolean greedy) {
        if (!greedy) {
            return segment(value);
        }
        StringBuilder out = new StringBuilder();
        String[] segments = value.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(segment(segments[i]));
        }
        return out.toString();
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
