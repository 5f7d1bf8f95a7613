package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.function.BinaryTypeConfiguration;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPResponseServletResponse;
import io.micronaut.http.HttpHeaders;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A payload 2.0 response as API Gateway reads it: payload 2.0 has no {@code multiValueHeaders},
 * so repeated headers are joined with commas in {@code headers}, and each {@code Set-Cookie}
 * goes into {@code cookies} (joining cookies with commas would corrupt their {@code Expires}). The
 * body goes base64-encoded whenever {@link ResponseBodies} says text would not survive.
 *
 * @param <B> the body type
 */
final class HttpApiResponse<B> extends APIGatewayV2HTTPResponseServletResponse<B> {

    HttpApiResponse(ConversionService conversionService, BinaryTypeConfiguration binaryTypeConfiguration) {
        super(conversionService, binaryTypeConfiguration);
    }

    @Override
    public APIGatewayV2HTTPResponse getNativeResponse() {
        APIGatewayV2HTTPResponse response = super.getNativeResponse();
        Map<String, String> single = new LinkedHashMap<>();
        for (String name : headers.names()) {
            if (!HttpHeaders.SET_COOKIE.equalsIgnoreCase(name)) {
                single.put(name, String.join(",", headers.getAll(name)));
            }
        }
        List<String> cookies = headers.getAll(HttpHeaders.SET_COOKIE);
        response.setHeaders(single);
        response.setMultiValueHeaders(null);
        response.setCookies(cookies.isEmpty() ? null : List.copyOf(cookies));
        byte[] bytes = body.toByteArray();
        if (ResponseBodies.base64(headers.get(HttpHeaders.CONTENT_TYPE), bytes, binaryTypeConfiguration)) {
            response.setIsBase64Encoded(true);
            response.setBody(Base64.getEncoder().encodeToString(bytes));
        }
        return response;
    }
}
