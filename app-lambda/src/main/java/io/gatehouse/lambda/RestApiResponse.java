package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.function.BinaryTypeConfiguration;
import io.micronaut.function.aws.proxy.payload1.ApiGatewayProxyServletResponse;

import java.util.Base64;

/**
 * A payload 1.0 response whose body reaches the client byte for byte: base64 whenever
 * {@link ResponseBodies} says text would not survive, not only for micronaut-aws's binary types.
 * Headers stay as micronaut-aws writes them: every value in {@code multiValueHeaders}, which
 * API Gateway prefers over the single-value {@code headers}.
 *
 * @param <B> the body type
 */
final class RestApiResponse<B> extends ApiGatewayProxyServletResponse<B> {

    RestApiResponse(ConversionService conversionService, BinaryTypeConfiguration binaryTypeConfiguration) {
        super(conversionService, binaryTypeConfiguration);
    }

    @Override
    public APIGatewayProxyResponseEvent getNativeResponse() {
        APIGatewayProxyResponseEvent response = super.getNativeResponse();
        byte[] bytes = body.toByteArray();
        if (ResponseBodies.base64(headers.get("Content-Type"), bytes, binaryTypeConfiguration)) {
            response.setIsBase64Encoded(true);
            response.setBody(Base64.getEncoder().encodeToString(bytes));
        }
        return response;
    }
}
