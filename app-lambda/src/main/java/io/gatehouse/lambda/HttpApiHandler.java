package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.HandlerUtils;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;

/**
 * The Lambda handler for API Gateway HTTP APIs (payload 2.0):
 * {@code io.gatehouse.lambda.HttpApiHandler::handleRequest}.
 *
 * <p>It is micronaut-aws's {@link APIGatewayV2HTTPEventFunction} with its exchange replaced by
 * {@link HttpApiExchangeHandler}, which reads what payload 2.0 carries and micronaut-aws ignores
 * (the {@code cookies} array, {@code rawQueryString}, a named stage in {@code rawPath}) and answers
 * with every {@code Set-Cookie} in {@code cookies}. An event with a header no HTTP message could
 * carry is refused first ({@link EventHeaders}). Each invocation ends by writing the gateway's
 * meters as CloudWatch EMF lines ({@link InvocationMetrics}).
 */
public class HttpApiHandler extends APIGatewayV2HTTPEventFunction {

    private final HttpApiExchangeHandler exchangeHandler;
    private final InvocationMetrics metrics;

    /** Used by the Lambda runtime: starts the application context. */
    public HttpApiHandler() {
        super();
        exchangeHandler = new HttpApiExchangeHandler(applicationContext);
        metrics = new InvocationMetrics(applicationContext);
    }

    /**
     * @param context an application context built for Lambda
     */
    public HttpApiHandler(ApplicationContext context) {
        super(context);
        exchangeHandler = new HttpApiExchangeHandler(applicationContext);
        metrics = new InvocationMetrics(applicationContext);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent input, Context context) {
        try {
            return handle(input, context);
        } finally {
            metrics.flush();
        }
    }

    private APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent input, Context context) {
        EventHeaders.Refusal refusal = EventHeaders.check(applicationContext, input.getHeaders(), null);
        if (refusal != null) {
            APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
            response.setStatusCode(refusal.status());
            response.setBody(refusal.body());
            response.setIsBase64Encoded(false);
            response.setHeaders(refusal.headers());
            return response;
        }
        HandlerUtils.configureWithContext(this, context);
        try {
            return exchangeHandler.exchange(input, new APIGatewayV2HTTPResponse()).getResponse().getNativeResponse();
        } catch (RuntimeException unreadable) {
            // Micronaut answers every failure inside a request; what escapes is the event itself.
            EventFields.Unreadable answer = EventFields.unreadable(applicationContext, unreadable);
            APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
            response.setStatusCode(answer.status());
            response.setHeaders(answer.headers());
            response.setBody(answer.body());
            return response;
        }
    }
}
