package io.gatehouse.container.websocket;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.ErrorResponses;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Answers a {@code GET} for the session WebSocket's path that is not a WebSocket upgrade, which
 * Micronaut's router would otherwise hand to the endpoint as if it were one (and fail for want of
 * a session): 406 {@code not_acceptable} when it does not accept JSON, as every gateway endpoint
 * answers, and otherwise 400 {@code bad_request} with {@code details.reason}
 * {@code websocket_upgrade_required}. The path stays the gateway's for every method: a route
 * cannot take it.
 */
@Internal
@ServerFilter("/v1/session/*/stream")
@Requires(beans = SessionWebSocket.class)
final class UpgradeRequiredFilter implements Ordered {

    private final ErrorResponses errors;

    UpgradeRequiredFilter(ErrorResponses errors) {
        this.errors = errors;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> refusePlainRequests(HttpRequest<?> request) {
        if ("websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeaders.UPGRADE))
            || (request.getMethod() != HttpMethod.GET && request.getMethod() != HttpMethod.HEAD)) {
            // An upgrade goes on to the endpoint; another method is the router's 405.
            return null;
        }
        Collection<MediaType> accepted = request.accept();
        boolean json = accepted.isEmpty() || accepted.stream()
            .anyMatch(type -> type.matches(MediaType.APPLICATION_JSON_TYPE) || MediaType.APPLICATION_JSON_TYPE.matches(type));
        if (!json) {
            return errors.response(request, ErrorCode.NOT_ACCEPTABLE, "This endpoint answers application/json only.",
                Map.of("available", List.of(MediaType.APPLICATION_JSON)));
        }
        return errors.response(request, ErrorCode.BAD_REQUEST, "This path is a WebSocket: send GET with Upgrade: websocket.",
            Map.of("reason", "websocket_upgrade_required"));
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }
}
