package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatehouse.route.PathNormaliser;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.function.aws.proxy.ApiGatewayServletRequest;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MutableHttpParameters;
import io.micronaut.http.uri.QueryStringDecoder;
import io.micronaut.servlet.http.BodyBuilder;
import io.micronaut.servlet.http.ServletHttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A payload 2.0 request read the way API Gateway means it: the path without a named stage, the
 * query from {@code rawQueryString} (so {@code ?tags=a,b} stays one value and {@code ?a=1&a=2}
 * two), and the {@code cookies} array as the {@code Cookie} header.
 *
 * @param <B> the body type
 */
final class HttpApiRequest<B> extends ApiGatewayServletRequest<B, APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApiRequest.class);

    private final HttpApiResponse<Object> response;
    private final Map<String, List<String>> query;

    HttpApiRequest(APIGatewayV2HTTPEvent event, HttpApiResponse<Object> response, ConversionService conversionService,
                   BodyBuilder bodyBuilder, List<String> basePaths, PathNormaliser pathNormaliser) {
        super(conversionService, event, uri(event, basePaths, pathNormaliser), parseMethod(() -> method(event)), LOG, bodyBuilder);
        this.response = response;
        String raw = event.getRawQueryString();
        this.query = raw == null || raw.isEmpty()
            ? Collections.emptyMap()
            : new QueryStringDecoder(ApiGatewayPaths.encodeUnsafeQuery(raw), false).parameters();
    }

    /** The method, or {@code ""} (an unknown method, answered 404 or 405) when the event has none. */
    private static String method(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        return context == null || context.getHttp() == null || context.getHttp().getMethod() == null ? "" : context.getHttp().getMethod();
    }

    private static URI uri(APIGatewayV2HTTPEvent event, List<String> basePaths, PathNormaliser pathNormaliser) {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext() != null
            ? event.getRequestContext() : new APIGatewayV2HTTPEvent.RequestContext();
        String called = event.getRawPath() != null ? event.getRawPath()
            : context.getHttp() != null ? context.getHttp().getPath() : null;
        String routeKey = event.getRouteKey();
        String template = routeKey == null ? null : routeKey.substring(routeKey.indexOf(' ') + 1);
        // Only the execute-api endpoint puts a named stage in rawPath; a custom domain's API mapping
        // replaces both the stage and the mapping key, which rawPath then carries neither of.
        String domain = context.getDomainName();
        String stage = domain == null || domain.contains(".execute-api.") ? context.getStage() : null;
        String path = ApiGatewayPaths.normalised(
            ApiGatewayPaths.apiRelative(template, event.getPathParameters(), called, stage, basePaths), pathNormaliser);
        String raw = event.getRawQueryString();
        return URI.create(raw == null || raw.isEmpty() ? path : path + "?" + ApiGatewayPaths.encodeUnsafeQuery(raw));
    }

    @Override
    public byte[] getBodyBytes() throws EmptyBodyException {
        return EventFields.decodedBody(() -> getBodyBytes(requestEvent::getBody, requestEvent::getIsBase64Encoded));
    }

    @Override
    public MutableHttpHeaders getHeaders() {
        List<String> cookies = requestEvent.getCookies() == null ? null
            : requestEvent.getCookies().stream().filter(c -> c != null && !c.isEmpty()).toList();
        Map<String, String> headers = EventFields.withoutNulls(requestEvent.getHeaders());
        if (cookies == null || cookies.isEmpty()) {
            return getHeaders(() -> headers, Collections::emptyMap);
        }
        headers.keySet().removeIf(HttpHeaders.COOKIE::equalsIgnoreCase);
        headers.put(HttpHeaders.COOKIE, String.join("; ", cookies));
        return getHeaders(() -> headers, Collections::emptyMap);
    }

    @Override
    public MutableHttpParameters getParameters() {
        try {
            return getParameters(Collections::emptyMap, () -> query);
        } catch (IllegalArgumentException undecodableForm) {
            return EventFields.queryOnly(conversionService, query, null);
        }
    }

    @Override
    public ServletHttpResponse<APIGatewayV2HTTPResponse, ?> getResponse() {
        return response;
    }
}
