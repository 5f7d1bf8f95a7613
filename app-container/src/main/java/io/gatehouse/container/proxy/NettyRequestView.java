package io.gatehouse.container.proxy;

import io.gatehouse.route.PathNormaliser;
import io.gatehouse.route.RequestView;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link RequestView} over Netty's request head, read before any header is rewritten. The path
 * is split from the query and normalised ({@link PathNormaliser}) once; the host and the query
 * parameters are computed only when a route asks for them.
 */
final class NettyRequestView implements RequestView {

    private final HttpRequest request;
    private final String rawPath;
    private final String path;
    private final String rawQuery;
    private String host;
    private Map<String, List<String>> parameters;

    /**
     * @param request    the request head
     * @param normaliser the path normalisation rule
     * @throws PathNormaliser.InvalidPathException when the path is refused
     */
    NettyRequestView(HttpRequest request, PathNormaliser normaliser) {
        this.request = request;
        Target target = target(request.uri());
        this.rawPath = target.path();
        this.path = normaliser.normalise(rawPath);
        this.rawQuery = target.query();
    }

    /** A request target split into its path, as the client encoded it, and its raw query. */
    private record Target(String path, String query) {
    }

    /**
     * @param uri a request target (origin-form or absolute-form)
     * @return its path as the client encoded it, {@code /} when empty
     */
    static String rawPath(String uri) {
        return target(uri).path();
    }

    private static Target target(String uri) {
        int start = 0;
        // An absolute-form target (proxy style, RFC 9112 §3.2.2): keep only its path and query.
        if (!uri.isEmpty() && uri.charAt(0) != '/') {
            int scheme = uri.indexOf("://");
            if (scheme > 0) {
                int slash = uri.indexOf('/', scheme + 3);
                int question = uri.indexOf('?', scheme + 3);
                start = slash >= 0 && (question < 0 || slash < question) ? slash : -1;
                if (start < 0) {
                    uri = "/" + (question >= 0 ? uri.substring(question) : "");
                    start = 0;
                }
            }
        }
        int question = uri.indexOf('?', start);
        int hash = uri.indexOf('#', start);
        int end = question >= 0 ? question : hash >= 0 ? hash : uri.length();
        String p = uri.substring(start, end);
        return new Target(p.isEmpty() ? "/" : p,
            question >= 0 ? uri.substring(question + 1, hash > question ? hash : uri.length()) : null);
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return path;
    }

    /**
     * @return whether normalisation changed the path the client sent
     */
    boolean pathChanged() {
        return path != rawPath && !path.equals(rawPath);
    }

    @Override
    public String rawQuery() {
        return rawQuery;
    }

    @Override
    public String host() {
        if (host == null) {
            host = hostWithoutPort(request.headers().get(HttpHeaderNames.HOST));
        }
        return host;
    }

    @Override
    public String header(String name) {
        return request.headers().get(name);
    }

    @Override
    public List<String> headers(String name) {
        return request.headers().getAll(name);
    }

    @Override
    public List<String> query(String name) {
        return queryParameters().getOrDefault(name, List.of());
    }

    @Override
    public Map<String, List<String>> headerValues() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        request.headers().forEach(header ->
            out.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(header.getValue()));
        return out;
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        if (rawQuery == null) {
            return Map.of();
        }
        if (parameters == null) {
            parameters = new QueryStringDecoder(rawQuery, false).parameters();
        }
        return parameters;
    }

    static String hostWithoutPort(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String h = value.trim();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            h = close > 0 ? h.substring(0, close + 1) : h;
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0) {
                h = h.substring(0, colon);
            }
        }
        return h.toLowerCase(Locale.ROOT);
    }
}
