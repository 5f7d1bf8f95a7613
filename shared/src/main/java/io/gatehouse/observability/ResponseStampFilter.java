package io.gatehouse.observability;

import io.gatehouse.config.GatewayConfiguration;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * Stamps every response, errors included, with {@code X-Request-ID} and {@code X-API-Version}.
 * It runs first so that everything after it, the error envelope included, sees the same id.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class ResponseStampFilter implements Ordered {

    /** The response header that names the API version. */
    static final String API_VERSION_HEADER = "X-API-Version";

    private final String apiVersion;

    ResponseStampFilter(GatewayConfiguration configuration) {
        this.apiVersion = configuration.getApiVersion();
    }

    @RequestFilter
    void resolveRequestId(HttpRequest<?> request) {
        RequestIds.of(request);
    }

    @ResponseFilter
    void stamp(HttpRequest<?> request, MutableHttpResponse<?> response) {
        response.getHeaders().set(RequestIds.HEADER, RequestIds.of(request));
        response.getHeaders().set(API_VERSION_HEADER, apiVersion);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }
}
