package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.BinaryTypeConfiguration;
import io.micronaut.function.aws.proxy.payload1.ApiGatewayProxyEventHandler;
import io.micronaut.servlet.http.BodyBuilder;
import io.micronaut.servlet.http.ServletExchange;

/**
 * micronaut-aws's payload 1.0 exchange handler, creating {@link RestApiRequest} and
 * {@link RestApiResponse} instead of its own request and response.
 */
final class RestApiExchangeHandler extends ApiGatewayProxyEventHandler {

    RestApiExchangeHandler(ApplicationContext applicationContext) {
        super(applicationContext);
    }

    @Override
    protected ServletExchange<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> createExchange(
        APIGatewayProxyRequestEvent request, APIGatewayProxyResponseEvent response) {
        return new RestApiRequest<>(
            request,
            new RestApiResponse<>(
                getApplicationContext().getConversionService(),
                getApplicationContext().getBean(BinaryTypeConfiguration.class)),
            getApplicationContext().getConversionService(),
            getApplicationContext().getBean(BodyBuilder.class));
    }
}
