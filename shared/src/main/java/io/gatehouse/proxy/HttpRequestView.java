package io.gatehouse.proxy;

import io.gatehouse.route.RequestPath;
import io.gatehouse.route.RequestView;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;

import java.util.List;
import java.util.Locale;

/**
 * A Micronaut request as the route table sees it, with its normalised path ({@link RequestPath}).
 */
final class HttpRequestView implements RequestView {

    private final HttpRequest<?> request;
    private final String path;

    HttpRequestView(HttpRequest<?> request) {
        this.request = request;
        this.path = RequestPath.of(request);
    }

    @Override
    public String method() {
        return request.getMethodName().toUpperCase(Locale.ROOT);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String host() {
        return hostWithoutPort(request.getHeaders().get(HttpHeaders.HOST));
    }

    @Override
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    @Override
    public List<String> headers(String name) {
        return request.getHeaders().getAll(name);
    }

    @Override
    public List<String> query(String name) {
        return request.getParameters().getAll(name);
    }

    /**
     * @param host a Host header value, or {@code null}
     * @return the host without port, lower case; empty when unknown
     */
    static String hostWithoutPort(String host) {
        if (host == null || host.isBlank()) {
            return "";
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.lastIndexOf(':');
        return colon > 0 && h.indexOf(':') == colon ? h.substring(0, colon) : h;
    }
}
