package io.gatehouse.lambda;

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
 */
final class ApiGatewayPaths {

    private static final Pattern PARAMETER = Pattern.compile("\\{([^}+]+)(\\+)?}");

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
        String path = fromTemplate(template, pathParameters);
        if (path == null) {
            path = withoutStage(calledPath == null || calledPath.isEmpty() ? "/" : calledPath, stage);
        }
        return withoutBasePath(path, basePaths);
    }

    private static String fromTemplate(String template, Map<String, String> pathParameters) {
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
            matcher.appendReplacement(out, Matcher.quoteReplacement(encode(value, matcher.group(2) != null)));
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
