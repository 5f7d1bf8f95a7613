package io.gatehouse.contract;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A request as a client sends it, independent of the runtime that serves it. Headers keep their
 * order and repetitions; cookies are sent as separate {@code Cookie} headers where the transport can.
 *
 * @param method   the HTTP method
 * @param path     the path, without query
 * @param rawQuery the query string as sent (percent-encoded), or {@code null}
 * @param headers  the headers in order, repeated names allowed
 * @param cookies  request cookies as {@code name=value}
 * @param body     the body, or {@code null}
 */
public record ContractRequest(String method, String path, String rawQuery, List<Map.Entry<String, String>> headers,
                              List<String> cookies, byte[] body) {

    /**
     * @param path the path, optionally with {@code ?query}
     * @return a GET request
     */
    public static ContractRequest get(String path) {
        return of("GET", path);
    }

    /**
     * @param method the method
     * @param target the path, optionally with {@code ?query}
     * @return a request without headers or body
     */
    public static ContractRequest of(String method, String target) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        return new ContractRequest(method, path, query, List.of(), List.of(), null);
    }

    /**
     * @param name  the header name
     * @param value the value
     * @return a copy with the header added (after any of the same name)
     */
    public ContractRequest header(String name, String value) {
        List<Map.Entry<String, String>> copy = new ArrayList<>(headers);
        copy.add(Map.entry(name, value));
        return new ContractRequest(method, path, rawQuery, List.copyOf(copy), cookies, body);
    }

    /**
     * @param nameValue a cookie as {@code name=value}
     * @return a copy with the cookie added
     */
    public ContractRequest cookie(String nameValue) {
        List<String> copy = new ArrayList<>(cookies);
        copy.add(nameValue);
        return new ContractRequest(method, path, rawQuery, headers, List.copyOf(copy), body);
    }

    /**
     * @param contentType the body's media type
     * @param content     the body
     * @return a copy with the body and its Content-Type
     */
    public ContractRequest body(String contentType, byte[] content) {
        return new ContractRequest(method, path, rawQuery, headers, cookies, content).header("Content-Type", contentType);
    }

    /**
     * @param contentType the body's media type
     * @param content     the body as UTF-8 text
     * @return a copy with the body and its Content-Type
     */
    public ContractRequest body(String contentType, String content) {
        return body(contentType, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @return the path and query as sent
     */
    public String target() {
        return rawQuery == null ? path : path + "?" + rawQuery;
    }
}
