package io.gatehouse.error;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Internal;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/**
 * Turns a {@link GatewayException} into the envelope with its status, details and headers.
 */
@Internal
@Singleton
@Produces
@Requires(classes = {GatewayException.class, ExceptionHandler.class})
final class GatewayExceptionHandler implements ExceptionHandler<GatewayException, HttpResponse<ErrorEnvelope>> {

    private final ErrorResponses errorResponses;

    GatewayExceptionHandler(ErrorResponses errorResponses) {
        this.errorResponses = errorResponses;
    }

    @Override
    public HttpResponse<ErrorEnvelope> handle(HttpRequest request, GatewayException exception) {
        MutableHttpResponse<ErrorEnvelope> response = errorResponses.response(
            request, exception.errorCode(), exception.getMessage(), exception.details());
        exception.headers().forEach(response.getHeaders()::add);
        return response;
    }
}
