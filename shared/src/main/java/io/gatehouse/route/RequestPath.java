package io.gatehouse.route;

import io.micronaut.http.HttpRequest;

/**
 * The normalised path of a request that passes through Micronaut's HTTP layer (the buffered engine:
 * HTTP/2 in the container, both Lambda payloads), computed once by {@link PathNormalisationFilter}
 * and read by everything after it: route matching, route access and the forwarded request.
 */
public final class RequestPath {

    /** The request attribute holding the normalised path. */
    public static final String ATTRIBUTE = "gatehouse.normalised-path";

    private RequestPath() {
    }

    /**
     * @param request a request
     * @return its normalised path; computed with the default rule when no filter stored it
     * @throws PathNormaliser.InvalidPathException when the path is refused
     */
    public static String of(HttpRequest<?> request) {
        Object stored = request.getAttribute(ATTRIBUTE).orElse(null);
        if (stored instanceof String path) {
            return path;
        }
        return PathNormaliser.DEFAULT.normalise(raw(request));
    }

    /**
     * @param request a request
     * @return its path as the client encoded it, {@code /} when empty
     */
    static String raw(HttpRequest<?> request) {
        String raw = request.getUri().getRawPath();
        return raw == null || raw.isEmpty() ? "/" : raw;
    }
}
