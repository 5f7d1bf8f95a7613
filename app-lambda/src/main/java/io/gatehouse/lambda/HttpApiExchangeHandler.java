package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.gatehouse.route.PathNormaliser;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.BinaryTypeConfiguration;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventHandler;
import io.micronaut.servlet.http.BodyBuilder;
import io.micronaut.servlet.http.ServletExchange;

/**
 * micronaut-aws's payload 2.0 exchange handler, creating {@link HttpApiRequest} and
 * {@link HttpApiResponse} instead of its own request and response.
 */
final class HttpApiExchangeHandler extends APIGatewayV2HTTPEventHandler {

    private final LambdaConfiguration configuration;
    private final PathNormaliser pathNormaliser;

    HttpApiExchangeHandler(ApplicationContext applicationContext) {
        super(applicationContext);
        this.configuration = applicationContext.getBean(LambdaConfiguration.class);
        this.pathNormaliser = applicationContext.getBean(PathNormaliser.class);
    }

    @Override
    protected ServletExchange<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> createExchange(
        APIGatewayV2HTTPEvent request, APIGatewayV2HTTPResponse response) {
        return new HttpApiRequest<>(
            request,
            new HttpApiResponse<>(
                getApplicationContext().getConversionService(),
                getApplicationContext().getBean(BinaryTypeConfiguration.class)),
            getApplicationContext().getConversionService(),
            getApplicationContext().getBean(BodyBuilder.class),
            configuration.getBasePaths(),
            pathNormaliser);
    }
}
