package io.gatehouse.security;

import io.gatehouse.route.RequestPath;
import io.gatehouse.route.RequestView;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link RequestView} over Micronaut's {@link HttpRequest}, for engines and filters that run in
 * Micronaut's HTTP layer (the buffered engine on Lambda, {@code PolicyFilter}). Its path is the
 * normalised one ({@link RequestPath}).
 */
public final class HttpRequestView implements RequestView {

    private final HttpRequest<?> request;

    /**
     * @param request the request
     */
    public HttpRequestView(HttpRequest<?> request) {
        this.request = request;
    }

    @Override
    public String method() {
        return request.getMethodName().toUpperCase(Locale.ROOT);
    }

    @Override
    public String path() {
        return RequestPath.of(request);
    }

    @Override
    public String host() {
        String host = request.getHeaders().get(HttpHeaders.HOST);
        if (host == null || host.isBlank()) {
            host = request.getServerName();
        }
        if (host == null) {
            return "";
        }
        host = host.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(0, end + 1) : host;
        }
        int colon = host.indexOf(':');
        return colon >= 0 ? host.substring(0, colon) : host;
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

    @Override
    public String rawQuery() {
        return request.getUri().getRawQuery();
    }

    @Override
    public Map<String, List<String>> headerValues() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        request.getHeaders().forEach((name, values) ->
            out.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(values));
        return out;
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        request.getParameters().forEach((name, values) -> out.put(name, List.copyOf(values)));
        return out;
    }
}
