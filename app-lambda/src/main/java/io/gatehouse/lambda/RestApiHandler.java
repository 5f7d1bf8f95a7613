package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.gatehouse.route.PathNormaliser;
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
 * seen. An event with a header no HTTP message could carry is refused first ({@link EventHeaders}).
 * Its exchange is {@link RestApiExchangeHandler}, whose response sends every body that is not
 * plain UTF-8 text base64-encoded. Each invocation ends by writing the gateway's meters as
 * CloudWatch EMF lines ({@link InvocationMetrics}).
 */
public class RestApiHandler extends ApiGatewayProxyRequestEventFunction {

    private final RestApiExchangeHandler exchangeHandler;
    private final InvocationMetrics metrics;
    private List<String> basePaths;
    private PathNormaliser pathNormaliser;

    /** Used by the Lambda runtime: starts the application context. */
    public RestApiHandler() {
        super();
        exchangeHandler = new RestApiExchangeHandler(applicationContext);
        metrics = new InvocationMetrics(applicationContext);
    }

    /**
     * @param context an application context built for Lambda
     */
    public RestApiHandler(ApplicationContext context) {
        super(context);
        exchangeHandler = new RestApiExchangeHandler(applicationContext);
        metrics = new InvocationMetrics(applicationContext);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent input, Context context) {
        try {
            return handle(input, context);
        } finally {
            metrics.flush();
        }
    }

    private APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent input, Context context) {
        HandlerUtils.configureWithContext(this, context);
        try {
            // Refused before anything is dropped: a header no HTTP request could carry is the
            // client's error to hear about, not something to leave out silently.
            EventHeaders.Refusal refusal = EventHeaders.check(applicationContext, input.getHeaders(), input.getMultiValueHeaders());
            if (refusal != null) {
                return refused(refusal);
            }
            input.setHeaders(EventFields.withoutNulls(input.getHeaders()));
            input.setMultiValueHeaders(EventFields.withoutNullValues(input.getMultiValueHeaders()));
            normalise(input);
            return exchangeHandler.exchange(input, new APIGatewayProxyResponseEvent()).getResponse().getNativeResponse();
        } catch (RuntimeException unreadable) {
            // Micronaut answers every failure inside a request; what escapes is the event itself.
            EventFields.Unreadable answer = EventFields.unreadable(applicationContext, unreadable);
            return new APIGatewayProxyResponseEvent().withStatusCode(answer.status()).withHeaders(answer.headers()).withBody(answer.body());
        }
    }

    private static APIGatewayProxyResponseEvent refused(EventHeaders.Refusal refusal) {
        APIGatewayProxyResponseEvent response = new APIGatewayProxyResponseEvent();
        response.setStatusCode(refusal.status());
        response.setBody(refusal.body());
        response.setIsBase64Encoded(false);
        response.setHeaders(refusal.headers());
        Map<String, List<String>> multi = new HashMap<>();
        refusal.headers().forEach((name, value) -> multi.put(name, List.of(value)));
        response.setMultiValueHeaders(multi);
        return response;
    }

    private void normalise(APIGatewayProxyRequestEvent event) {
        if (basePaths == null) {
            basePaths = applicationContext.getBean(LambdaConfiguration.class).getBasePaths();
            pathNormaliser = applicationContext.getBean(PathNormaliser.class);
        }
        // A REST API's path never carries the stage, but does carry a custom domain's base path.
        String path = ApiGatewayPaths.apiRelative(event.getResource(), event.getPathParameters(), event.getPath(), null, basePaths);
        event.setPath(ApiGatewayPaths.normalised(path, pathNormaliser));
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
