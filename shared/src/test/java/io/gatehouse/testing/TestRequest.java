package io.gatehouse.testing;

import io.gatehouse.route.RequestView;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request as route matching and access rules see it, for tests that match without HTTP.
 *
 * @param method  the method
 * @param path    the path
 * @param host    the host, or empty
 * @param headers headers by lower-case name
 * @param query   query parameters
 */
public record TestRequest(String method, String path, String host, Map<String, String> headers,
                          Map<String, List<String>> query) implements RequestView {

    /**
     * @param path the path
     * @return a {@code GET} of it, without host, headers or query
     */
    public static TestRequest get(String path) {
        return of("GET", path);
    }

    /**
     * @param method the method
     * @param path   the path
     * @return the request, without host, headers or query
     */
    public static TestRequest of(String method, String path) {
        return new TestRequest(method, path, "", Map.of(), Map.of());
    }

    /**
     * @param name  a header name
     * @param value its value
     * @return a copy with that header
     */
    public TestRequest withHeader(String name, String value) {
        Map<String, String> copy = new java.util.HashMap<>(headers);
        copy.put(name.toLowerCase(Locale.ROOT), value);
        return new TestRequest(method, path, host, Map.copyOf(copy), query);
    }

    /**
     * @param value the host
     * @return a copy with that host
     */
    public TestRequest withHost(String value) {
        return new TestRequest(method, path, value, headers, query);
    }

    @Override
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public List<String> query(String name) {
        return query.getOrDefault(name, List.of());
    }

    @Override
    public Map<String, List<String>> headerValues() {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        headers.forEach((name, value) -> out.put(name, List.of(value)));
        return out;
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        return query;
    }
}
