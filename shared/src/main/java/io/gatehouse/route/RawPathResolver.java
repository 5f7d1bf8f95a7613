package io.gatehouse.route;

import io.micronaut.http.HttpRequest;

/**
 * Finds the path of a request as the client encoded it, for a runtime whose
 * {@link HttpRequest#getUri()} is not faithful to it. Without one, {@link RequestPath} reads
 * {@code getUri().getRawPath()}, which is exact for the Lambda handlers (they build the URI from the
 * API-relative path themselves). The container supplies one that reads Netty's request line, since
 * Micronaut's URI of {@code //a/b} takes {@code a} for a host.
 */
@FunctionalInterface
public interface RawPathResolver {

    /**
     * @param request a request
     * @return its path, without query, as the client encoded it; {@code /} when empty
     */
    String rawPath(HttpRequest<?> request);
}
