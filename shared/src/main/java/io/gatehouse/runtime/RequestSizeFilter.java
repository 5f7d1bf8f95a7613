package io.gatehouse.runtime;

import io.gatehouse.error.ErrorResponses;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.HttpServerConfiguration;

/**
 * Holds every runtime to {@code micronaut.server.max-request-size}: a body known to be larger is
 * answered 413 {@code payload_too_large} with {@code details.limit_bytes} before anything reads it.
 * Micronaut's Netty server enforces the setting itself while it receives a body; micronaut-aws's
 * API Gateway handlers receive the whole body in the event and do not, so on Lambda this filter is
 * what refuses it, with the same envelope.
 */
@Internal
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class RequestSizeFilter implements Ordered {

    private final HttpServerConfiguration server;
    private final ErrorResponses errors;

    RequestSizeFilter(HttpServerConfiguration server, ErrorResponses errors) {
        this.server = server;
        this.errors = errors;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> refuseOversizedBody(HttpRequest<?> request) {
        long limit = server.getMaxRequestSize();
        long length = request.getContentLength();
        if (request instanceof ServerHttpRequest<?> serverRequest) {
            length = Math.max(length, serverRequest.byteBody().expectedLength().orElse(-1));
        }
        return length > limit ? errors.payloadTooLarge(request, limit) : null;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }
}
