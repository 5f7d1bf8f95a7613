package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.function.aws.proxy.MockLambdaContext;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Fuzzes the Lambda handlers with API Gateway events: the input's first byte chooses the payload
 * (even: REST API 1.0, odd: HTTP API 2.0), the rest is the event's JSON, read by the serializer the
 * Lambda runtime itself uses (aws-lambda-java-serialization). JSON that serializer refuses never
 * reaches Gatehouse; every event it reads must be answered with a response, never an exception and
 * never a 500 (an unexpected failure), whatever its method, path, headers, query, cookies or body.
 * The gateway has one route, to a closed port, so events also reach the buffered proxy. Seeds:
 * {@code src/test/resources/io/gatehouse/lambda/LambdaEventFuzzTestInputs/}.
 */
class LambdaEventFuzzTest {

    private static final Map<String, Object> PROPERTIES = Map.of(
        "gateway.upstreams.nowhere.targets", List.of("http://127.0.0.1:" + TestUpstream.closedPort()),
        "gateway.routes[0].id", "fuzzed",
        "gateway.routes[0].match.path", "/api/**",
        "gateway.routes[0].upstream", "nowhere",
        "gateway.routes[0].retries", 0);

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "0:0:0:0:0:0:0:1");

    private static final RestApiHandler REST_API = new RestApiHandler(LambdaRuntimes.lambdaContext(PROPERTIES));
    private static final HttpApiHandler HTTP_API = new HttpApiHandler(LambdaRuntimes.lambdaContext(PROPERTIES));
    private static final PojoSerializer<APIGatewayProxyRequestEvent> REST_EVENTS =
        LambdaEventSerializers.serializerFor(APIGatewayProxyRequestEvent.class, LambdaEventFuzzTest.class.getClassLoader());
    private static final PojoSerializer<APIGatewayV2HTTPEvent> HTTP_EVENTS =
        LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, LambdaEventFuzzTest.class.getClassLoader());

    @FuzzTest(maxDuration = "20s", maxExecutions = 5000)
    void event_isAnsweredWithoutAnUnexpectedFailure(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String json = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        // The route's upstream is on loopback; a connection anywhere else is a finding (Jazzer's SSRF detector).
        try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections((host, port) -> LOOPBACK.contains(host))) {
            assertNotEquals(500, answer(input[0], json), "an unexpected failure for " + json);
        }
    }

    /** The status the handler the first byte chooses answers the event with; 0 when the runtime would not read the event. */
    private static int answer(byte payload, String json) {
        int status;
        if ((payload & 1) == 0) {
            APIGatewayProxyRequestEvent event = read(REST_EVENTS, json);
            if (event == null) {
                return 0;
            }
            APIGatewayProxyResponseEvent response = REST_API.handleRequest(event, new MockLambdaContext());
            assertNotNull(response);
            status = response.getStatusCode();
        } else {
            APIGatewayV2HTTPEvent event = read(HTTP_EVENTS, json);
            if (event == null) {
                return 0;
            }
            APIGatewayV2HTTPResponse response = HTTP_API.handleRequest(event, new MockLambdaContext());
            assertNotNull(response);
            status = response.getStatusCode();
        }
        return status;
    }

    /** The event as the Lambda runtime reads it, or {@code null} when the runtime would refuse the JSON itself. */
    private static <T> T read(PojoSerializer<T> serializer, String json) {
        try {
            return serializer.fromJson(json);
        } catch (RuntimeException notAnEvent) {
            return null;
        }
    }
}
