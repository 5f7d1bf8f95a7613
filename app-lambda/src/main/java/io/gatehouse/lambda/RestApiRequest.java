package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.function.aws.proxy.ApiGatewayServletRequest;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MutableHttpParameters;
import io.micronaut.servlet.http.BodyBuilder;
import io.micronaut.servlet.http.ServletHttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * A payload 1.0 request, read as micronaut-aws's own (final) {@code ApiGatewayProxyServletRequest}
 * reads it, answered through {@link RestApiResponse}. {@link RestApiHandler} has already put the
 * API-relative path, still percent-encoded as the client sent it, in the event's {@code path}.
 *
 * @param <B> the body type
 */
final class RestApiRequest<B> extends ApiGatewayServletRequest<B, APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(RestApiRequest.class);

    private final RestApiResponse<Object> response;

    RestApiRequest(APIGatewayProxyRequestEvent event, RestApiResponse<Object> response, ConversionService conversionService,
                   BodyBuilder bodyBuilder) {
        super(conversionService, event,
            buildUri(event.getPath(), event.getQueryStringParameters(), event.getMultiValueQueryStringParameters()),
            parseMethod(() -> Objects.requireNonNullElse(event.getHttpMethod(), "")), LOG, bodyBuilder);
        this.response = response;
    }

    @Override
    public byte[] getBodyBytes() throws EmptyBodyException {
        return EventFields.decodedBody(() -> getBodyBytes(requestEvent::getBody, () -> Boolean.TRUE.equals(requestEvent.getIsBase64Encoded())));
    }

    @Override
    public MutableHttpHeaders getHeaders() {
        return getHeaders(requestEvent::getHeaders, requestEvent::getMultiValueHeaders);
    }

    @Override
    public MutableHttpParameters getParameters() {
        try {
            return getParameters(requestEvent::getQueryStringParameters, requestEvent::getMultiValueQueryStringParameters);
        } catch (IllegalArgumentException undecodableForm) {
            return EventFields.queryOnly(conversionService, requestEvent.getMultiValueQueryStringParameters(),
                requestEvent.getQueryStringParameters());
        }
    }

    @Override
    public ServletHttpResponse<APIGatewayProxyResponseEvent, ?> getResponse() {
        return response;
    }
}
