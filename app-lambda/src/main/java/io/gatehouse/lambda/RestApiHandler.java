package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.HandlerUtils;
import io.micronaut.function.aws.proxy.payload1.ApiGatewayProxyRequestEventFunction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The Lambda handler for API Gateway REST APIs (payload 1.0):
 * {@code io.gatehouse.lambda.RestApiHandler::handleRequest}.
 *
 * <p>It is micronaut-aws's {@link ApiGatewayProxyRequestEventFunction} with the event normalised
 * first: the path becomes the API-relative path (no custom-domain base path, percent-encoding kept
 * as the client sent it), and several {@code Cookie} headers become one, so every request cookie is
 * seen. Its exchange is {@link RestApiExchangeHandler}, whose response sends every body that is not
 * plain UTF-8 text base64-encoded.
 */
public class RestApiHandler extends ApiGatewayProxyRequestEventFunction {

    private final RestApiExchangeHandler exchangeHandler;
    private List<String> basePaths;

    /** Used by the Lambda runtime: starts the application context. */
    public RestApiHandler() {
        super();
        exchangeHandler = new RestApiExchangeHandler(applicationContext);
    }

    /**
     * @param context an application context built for Lambda
     */
    public RestApiHandler(ApplicationContext context) {
        super(context);
        exchangeHandler = new RestApiExchangeHandler(applicationContext);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent input, Context context) {
        HandlerUtils.configureWithContext(this, context);
        try {
            normalise(input);
            return exchangeHandler.exchange(input, new APIGatewayProxyResponseEvent()).getResponse().getNativeResponse();
        } catch (RuntimeException unreadable) {
            // Micronaut answers every failure inside a request; what escapes is the event itself.
            EventFields.Unreadable answer = EventFields.unreadable(applicationContext, unreadable);
            return new APIGatewayProxyResponseEvent().withStatusCode(answer.status()).withHeaders(answer.headers()).withBody(answer.body());
        }
    }

    private void normalise(APIGatewayProxyRequestEvent event) {
        event.setHeaders(EventFields.withoutNulls(event.getHeaders()));
        event.setMultiValueHeaders(EventFields.withoutNullValues(event.getMultiValueHeaders()));
        if (basePaths == null) {
            basePaths = applicationContext.getBean(LambdaConfiguration.class).getBasePaths();
        }
        // A REST API's path never carries the stage, but does carry a custom domain's base path.
        event.setPath(ApiGatewayPaths.apiRelative(event.getResource(), event.getPathParameters(), event.getPath(), null, basePaths));
        joinCookieHeaders(event);
    }

    /** A client may send several Cookie headers; the handler only reads the first, so send one. */
    private static void joinCookieHeaders(APIGatewayProxyRequestEvent event) {
        Map<String, List<String>> multi = event.getMultiValueHeaders();
        if (multi == null) {
            return;
        }
        List<String> cookies = new ArrayList<>();
        Map<String, List<String>> copy = new HashMap<>(multi);
        for (Iterator<Map.Entry<String, List<String>>> it = copy.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, List<String>> entry = it.next();
            if ("cookie".equalsIgnoreCase(entry.getKey())) {
                cookies.addAll(entry.getValue());
                it.remove();
            }
        }
        if (cookies.size() <= 1) {
            return;
        }
        String joined = String.join("; ", cookies);
        copy.put("Cookie", List.of(joined));
        event.setMultiValueHeaders(copy);
        if (event.getHeaders() != null) {
            Map<String, String> single = new HashMap<>(event.getHeaders());
            single.keySet().removeIf("cookie"::equalsIgnoreCase);
            single.put("Cookie", joined);
            event.setHeaders(single);
        }
    }
}
