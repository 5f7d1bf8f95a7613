package io.gatehouse.route;

import java.util.List;
import java.util.Map;

/**
 * What route matching needs to know of a request, independent of the runtime that received it.
 */
public interface RequestView {

    /**
     * @return the method, upper case
     */
    String method();

    /**
     * @return the normalised path ({@link PathNormaliser}), starting with {@code /}: percent-encoded
     *     unreserved characters decoded, dot segments and empty segments removed, every other
     *     percent-encoding kept
     */
    String path();

    /**
     * @return the host the client addressed, without port, lower case; empty when unknown
     */
    String host();

    /**
     * @param name a header name, any case
     * @return the first value, or {@code null}
     */
    String header(String name);

    /**
     * Every value of a header, such as each {@code Cookie} line of a request that sent several.
     *
     * @param name a header name, any case
     * @return its values in order, empty when absent
     */
    default List<String> headers(String name) {
        String value = header(name);
        return value == null ? List.of() : List.of(value);
    }

    /**
     * @param name a query parameter name
     * @return its values, empty when absent
     */
    List<String> query(String name);

    /**
     * The query as the client sent it, for policies that change the query the upstream receives
     * (transforms) and for logs (which redact it). Views of the engines that serve routes implement
     * it; the default has none.
     *
     * @return the raw query after {@code ?}, percent-encoding kept, or {@code null} when there is none
     */
    default String rawQuery() {
        return null;
    }

    /**
     * Every header, for a policy engine that is shown the whole request (OPA). Views of the
     * engines that serve routes implement it; the default, for views that only match routes,
     * has none.
     *
     * @return the values of each header by lower-case name, in the order received
     */
    default Map<String, List<String>> headerValues() {
        return Map.of();
    }

    /**
     * Every query parameter, for a policy engine that is shown the whole request (OPA). Views of
     * the engines that serve routes implement it; the default has none.
     *
     * @return the decoded values of each parameter by name
     */
    default Map<String, List<String>> queryParameters() {
        return Map.of();
    }
}
