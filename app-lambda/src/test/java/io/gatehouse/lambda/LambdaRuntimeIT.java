package io.gatehouse.lambda;

import io.gatehouse.testing.EchoUpstream;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The packaged Lambda jar, run the way AWS Lambda runs it: AWS's runtime interface client in a JVM
 * of its own initialises {@link RestApiHandler} (payload 1.0) or {@link HttpApiHandler} (payload 2.0)
 * and fetches API Gateway events from the Lambda Runtime API, here served on loopback by
 * {@link LambdaRuntimeApiServer}. The assertions are on the JSON the runtime posts back, so the
 * runtime's own (de)serialisation of the events, class loading from the shaded jar and the eager
 * start-up of every singleton are all part of what is proven.
 *
 * <p>This is the one {@code *IT} test: it needs {@code target/gatehouse-lambda.jar}, which only
 * {@code package} builds, so maven-failsafe runs it after {@code package} ({@code ./mvnw verify}).
 * The events are in {@code src/test/resources/events/}, shaped as API Gateway sends them. The echo
 * fixtures of the contract suite are not in the shaded jar; proxied routes instead go, through
 * route {@code /p/**} (strip-prefix) given to the function as system properties, to an
 * {@link EchoUpstream} in this JVM: two {@code Set-Cookie}, {@code Link} and {@code Vary} headers,
 * PNG bytes, and a binary upload with repeated headers, cookies and query parameters.
 */
class LambdaRuntimeIT {

    private static final EchoUpstream UPSTREAM = EchoUpstream.start("lambda-upstream");

    private static final Duration INIT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration INVOCATION_TIMEOUT = Duration.ofSeconds(30);
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final JsonMapper JSON = JsonMapper.createDefault();

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    /**
     * The routes the function is started with: the public proxied route {@code /p/**}, an
     * {@code auth: jwt} route {@code /priv/**} beside it, and a catch-all {@code /v1/**} over the
     * gateway's own {@code /v1/...} endpoints, all to {@link #UPSTREAM}.
     */
    static Map<String, String> proxiedRoute() {
        return Map.ofEntries(
            Map.entry("gateway.jwt.secret", "lambda-runtime-it-secret-0123456789abcdef"),
            Map.entry("gateway.upstreams.echo.targets", UPSTREAM.url()),
            Map.entry("gateway.routes[0].id", "proxied"),
            Map.entry("gateway.routes[0].match.path", "/p/**"),
            Map.entry("gateway.routes[0].upstream", "echo"),
            Map.entry("gateway.routes[0].strip-prefix", "true"),
            Map.entry("gateway.routes[1].id", "private"),
            Map.entry("gateway.routes[1].match.path", "/priv/**"),
            Map.entry("gateway.routes[1].upstream", "echo"),
            Map.entry("gateway.routes[1].auth", "jwt"),
            Map.entry("gateway.routes[2].id", "v1-catch-all"),
            Map.entry("gateway.routes[2].match.path", "/v1/**"),
            Map.entry("gateway.routes[2].upstream", "echo"),
            // The upload event's path carries %2F, to prove the client's encoding reaches the upstream
            // as sent; that needs the documented option (the default refuses an encoded slash).
            Map.entry("gateway.path-normalisation.encoded-slash", "keep"));
    }

    /** REST API, payload 1.0: the response carries {@code multiValueHeaders}. */
    @Nested
    class RestApiPayload1 extends RunningFunction {

        RestApiPayload1() {
            super("io.gatehouse.lambda.RestApiHandler::handleRequest", "rest-api");
        }

        @Test
        void restApiColdStart_thenNoInitError() {
            assertInitialisedWithoutError();
        }

        @Test
        void restApiHealthBehindCustomDomainBasePath_thenOkWithMultiValueHeaders() {
            JsonNode response = invoke("events/rest-api-health.json");
            assertEquals(200, response.get("statusCode").getIntValue(), text(response));
            JsonNode headers = response.get("multiValueHeaders");
            assertTrue(headers != null && headers.isObject(), "payload 1.0 answers with multiValueHeaders: " + text(response));
            assertEquals(List.of("v1"), strings(header(headers, "X-API-Version")));
            List<String> requestId = strings(header(headers, "X-Request-ID"));
            assertEquals(1, requestId.size(), requestId.toString());
            assertTrue(requestId.getFirst().matches(UUID_PATTERN), requestId.toString());
            assertEquals("ok", body(response).get("status").getStringValue());
        }

        @Test
        void restApiUnknownRoute_then404EnvelopeWithTheCallersRequestId() {
            JsonNode response = invoke("events/rest-api-unknown-route.json");
            JsonNode error = assertEnvelope(response, 404, "not_found");
            assertEquals("rest-404", error.get("request_id").getStringValue());
            assertEquals("/no/such/route", error.get("details").get("path").getStringValue(), "the /gw base path is dropped");
            assertEquals(List.of("rest-404"), strings(header(response.get("multiValueHeaders"), "X-Request-ID")));
        }

        @Test
        void restApiPostToGetOnlyRoute_then405Envelope() {
            JsonNode response = invoke("events/rest-api-wrong-method.json");
            assertEnvelope(response, 405, "method_not_allowed");
            assertEquals(List.of("v1"), strings(header(response.get("multiValueHeaders"), "X-API-Version")));
        }

        @Test
        void restApiProxiedRepeatedHeaders_thenEveryValueInMultiValueHeaders() {
            JsonNode response = invoke("events/rest-api-proxied-repeated.json");
            assertEquals(200, response.get("statusCode").getIntValue(), text(response));
            JsonNode headers = response.get("multiValueHeaders");
            assertEquals(EchoUpstream.SET_COOKIES, strings(header(headers, "Set-Cookie")), "each cookie whole, Expires intact");
            assertEquals(EchoUpstream.LINKS, strings(header(headers, "Link")));
            assertEquals(EchoUpstream.VARY, strings(header(headers, "Vary")));
        }

        @Test
        void restApiProxiedBinaryUpload_thenUpstreamGetsExactBytesPathHeadersCookiesAndQuery() {
            JsonNode echo = body(invoke("events/rest-api-proxied-upload.json"));
            assertEquals("/files/a%20b%2Fc", echo.get("path").getStringValue(), "the client's encoding, not re-encoded");
            assertEquals("tag=a&tag=b", echo.get("query").getStringValue());
            assertEquals("iVBORw0KGgo=", echo.get("body_base64").getStringValue());
            assertEquals(List.of("8"), strings(echo.get("headers").get("content-length")));
            assertEquals(List.of("a", "b"), strings(echo.get("headers").get("x-tag")));
            assertEquals(List.of("session=abc123; theme=dark"), strings(echo.get("headers").get("cookie")));
            assertEquals("/p", strings(echo.get("headers").get("x-forwarded-prefix")).getFirst());
        }

        @Test
        void restApiOwnedPathWithUnproducibleAcceptUnderCatchAllRoute_then406EnvelopeAndUpstreamNotReached() {
            assertOwnedPathAnsweredByGateway(invoke("events/rest-api-owned-path-text-html.json"));
        }

        @Test
        void restApiDotSegmentsFromPublicRouteToJwtRoute_then401AndUpstreamNotReached() {
            assertDotSegmentsMeetTheJwtRoute(invoke("events/rest-api-dot-segments-to-jwt-route.json"));
        }

        @Test
        void restApiProxiedPng_thenBase64WithTheExactBytes() {
            assertBinary(invoke("events/rest-api-proxied-png.json"), "image/png", EchoUpstream.PNG);
        }
    }

    /** HTTP API, payload 2.0: the response carries {@code headers} as single strings, never {@code multiValueHeaders}. */
    @Nested
    class HttpApiPayload2 extends RunningFunction {

        HttpApiPayload2() {
            super("io.gatehouse.lambda.HttpApiHandler::handleRequest", "http-api");
        }

        @Test
        void httpApiColdStart_thenNoInitError() {
            assertInitialisedWithoutError();
        }

        @Test
        void httpApiHealthOnNamedStage_thenOkWithSingleValueHeaders() {
            JsonNode response = invoke("events/http-api-health.json");
            assertEquals(200, response.get("statusCode").getIntValue(), text(response));
            assertSingleValueHeaders(response);
            assertEquals("v1", header(response.get("headers"), "X-API-Version").getStringValue());
            assertTrue(header(response.get("headers"), "X-Request-ID").getStringValue().matches(UUID_PATTERN), text(response));
            assertEquals("ok", body(response).get("status").getStringValue());
        }

        @Test
        void httpApiUnknownRoute_then404EnvelopeWithTheCallersRequestId() {
            JsonNode response = invoke("events/http-api-unknown-route.json");
            JsonNode error = assertEnvelope(response, 404, "not_found");
            assertSingleValueHeaders(response);
            assertEquals("http-404", error.get("request_id").getStringValue());
            assertEquals("/no/such/route", error.get("details").get("path").getStringValue(), "the prod stage is dropped");
            assertEquals("http-404", header(response.get("headers"), "X-Request-ID").getStringValue());
        }

        @Test
        void httpApiBinaryPostToGetOnlyRoute_then405Envelope() {
            JsonNode response = invoke("events/http-api-wrong-method.json");
            assertEnvelope(response, 405, "method_not_allowed");
            assertSingleValueHeaders(response);
        }

        @Test
        void httpApiProxiedRepeatedHeaders_thenCookiesArrayAndCommaJoinedHeaders() {
            JsonNode response = invoke("events/http-api-proxied-repeated.json");
            assertEquals(200, response.get("statusCode").getIntValue(), text(response));
            assertSingleValueHeaders(response);
            assertEquals(EchoUpstream.SET_COOKIES, strings(response.get("cookies")), "one entry per cookie, Expires intact");
            for (Map.Entry<String, JsonNode> header : response.get("headers").entries()) {
                assertFalse(header.getKey().equalsIgnoreCase("Set-Cookie"), "Set-Cookie only in cookies: " + text(response));
            }
            assertEquals(String.join(",", EchoUpstream.LINKS), header(response.get("headers"), "Link").getStringValue());
            assertEquals(String.join(",", EchoUpstream.VARY), header(response.get("headers"), "Vary").getStringValue());
        }

        @Test
        void httpApiProxiedBinaryUpload_thenUpstreamGetsExactBytesPathHeadersCookiesAndQuery() {
            JsonNode echo = body(invoke("events/http-api-proxied-upload.json"));
            assertEquals("/files/a%20b", echo.get("path").getStringValue(), "the decoded rawPath encoded once");
            assertEquals("tag=a&tag=b", echo.get("query").getStringValue(), "rawQueryString, repetition kept");
            assertEquals("iVBORw0KGgo=", echo.get("body_base64").getStringValue());
            assertEquals(List.of("8"), strings(echo.get("headers").get("content-length")));
            assertEquals(List.of("a,b"), strings(echo.get("headers").get("x-tag")));
            assertEquals(List.of("session=abc123; theme=dark"), strings(echo.get("headers").get("cookie")));
            assertEquals("/p", strings(echo.get("headers").get("x-forwarded-prefix")).getFirst());
        }

        @Test
        void httpApiOwnedPathWithUnproducibleAcceptUnderCatchAllRoute_then406EnvelopeAndUpstreamNotReached() {
            JsonNode response = invoke("events/http-api-owned-path-text-html.json");
            assertSingleValueHeaders(response);
            assertOwnedPathAnsweredByGateway(response);
        }

        @Test
        void httpApiDotSegmentsFromPublicRouteToJwtRoute_then401AndUpstreamNotReached() {
            assertDotSegmentsMeetTheJwtRoute(invoke("events/http-api-dot-segments-to-jwt-route.json"));
        }

        @Test
        void httpApiProxiedPng_thenBase64WithTheExactBytes() {
            JsonNode response = invoke("events/http-api-proxied-png.json");
            assertSingleValueHeaders(response);
            assertBinary(response, "image/png", EchoUpstream.PNG);
        }

        private static void assertSingleValueHeaders(JsonNode response) {
            JsonNode headers = response.get("headers");
            assertTrue(headers != null && headers.isObject(), "payload 2.0 answers with headers: " + text(response));
            for (Map.Entry<String, JsonNode> header : headers.entries()) {
                assertTrue(header.getValue().isString(), header.getKey() + " is a single string: " + text(response));
            }
            JsonNode multi = response.get("multiValueHeaders");
            assertTrue(multi == null || multi.isNull(), "payload 2.0 has no multiValueHeaders: " + text(response));
        }
    }

    /**
     * One function, initialised once for its tests: a runtime API server, the runtime in its own
     * JVM, and the cold start it took.
     */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class RunningFunction {

        private final String handler;
        private final String name;
        private LambdaRuntimeApiServer runtimeApi;
        private LambdaFunctionProcess function;
        private Duration coldStart;

        /** Prints the runtime's output when a test fails. */
        @RegisterExtension
        final TestWatcher printRuntimeLog = new TestWatcher() {
            @Override
            public void testFailed(ExtensionContext context, Throwable cause) {
                if (function != null) {
                    System.out.println(function.logTail());
                }
            }
        };

        RunningFunction(String handler, String name) {
            this.handler = handler;
            this.name = name;
        }

        @BeforeAll
        void startFunction() throws Exception {
            Path jar = functionJar();
            runtimeApi = new LambdaRuntimeApiServer();
            try {
                Path workDir = Files.createDirectories(jar.getParent().resolve("lambda-runtime-it").resolve(name));
                function = LambdaFunctionProcess.start(jar, handler, runtimeApi, workDir, proxiedRoute());
                coldStart = function.awaitInitialised(runtimeApi, INIT_TIMEOUT);
                System.out.printf("%s: cold start (process start to first /next poll) %d ms%n", handler, coldStart.toMillis());
            } catch (Throwable t) {
                stopFunction();
                throw t;
            }
        }

        @AfterAll
        void stopFunction() throws InterruptedException {
            try {
                if (function != null) {
                    function.close();
                }
            } finally {
                runtimeApi.close();
            }
        }

        /**
         * No init error was posted. The cold start is printed, not asserted: speed is measured by
         * benchmarks, not by tests. Each nested class calls it from a test of its own name:
         * failsafe's console summary merges same-named methods of different nested classes.
         */
        void assertInitialisedWithoutError() {
            assertEquals(List.of(), runtimeApi.initErrors());
        }

        /**
         * Invokes the function with an event file and returns what the runtime posted to {@code /response}.
         */
        JsonNode invoke(String eventResource) {
            long start = System.nanoTime();
            LambdaRuntimeApiServer.Result result;
            try {
                result = runtimeApi.invoke(resource(eventResource)).get(INVOCATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("no response to " + eventResource + " within " + INVOCATION_TIMEOUT + "\n" + function.logTail(), e);
            } catch (ExecutionException e) {
                throw new AssertionError(eventResource + ": " + e.getCause().getMessage() + "\n" + function.logTail(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            System.out.printf("%s: %s answered in %d ms: %s%n", handler, eventResource,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), result.body());
            if (result.error()) {
                fail("the runtime posted an invocation error (" + result.errorType() + ") for " + eventResource + ": " + result.body());
            }
            return parse(result.body());
        }

        private static Path functionJar() {
            return Path.of(System.getProperty("gatehouse.lambda.jar", "target/gatehouse-lambda.jar")).toAbsolutePath();
        }
    }

    /** A binary body: base64 in the JSON, exactly the upstream's bytes, its type, and any Content-Length right. */
    static void assertBinary(JsonNode response, String type, byte[] bytes) {
        assertEquals(200, response.get("statusCode").getIntValue(), text(response));
        assertTrue(response.get("isBase64Encoded").getBooleanValue(), text(response));
        assertArrayEquals(bytes, Base64.getDecoder().decode(response.get("body").getStringValue()));
        JsonNode headers = response.get("multiValueHeaders") != null && response.get("multiValueHeaders").isObject()
            ? response.get("multiValueHeaders") : response.get("headers");
        JsonNode contentType = header(headers, "Content-Type");
        assertEquals(type, contentType.isArray() ? strings(contentType).getFirst() : contentType.getStringValue());
        for (Map.Entry<String, JsonNode> header : headers.entries()) {
            if (header.getKey().equalsIgnoreCase("Content-Length")) {
                JsonNode length = header.getValue();
                assertEquals(String.valueOf(bytes.length), length.isArray() ? strings(length).getFirst() : length.getStringValue());
            }
        }
    }

    /**
     * {@code GET /v1/health} with {@code Accept: text/html} under the catch-all {@code /v1/**}: the
     * gateway owns the path, so it answers 406 itself and the upstream never sees the request
     * (issue 13: owned paths used to be proxied when no endpoint took the media type).
     */
    static void assertOwnedPathAnsweredByGateway(JsonNode response) {
        JsonNode error = assertEnvelope(response, 406, "not_acceptable");
        assertEquals(List.of("application/json"), strings(error.get("details").get("available")));
        assertUpstreamNeverSaw("/v1/health");
    }

    /**
     * {@code /p/../priv/a} without a token: the dot segments are removed before matching, so the
     * request meets the {@code auth: jwt} route and is refused; neither {@code /priv/a} nor the
     * dot-segment path reaches the upstream (issue 13: the public route used to forward it as is).
     */
    static void assertDotSegmentsMeetTheJwtRoute(JsonNode response) {
        JsonNode error = assertEnvelope(response, 401, "unauthorized");
        assertEquals("missing_credentials", error.get("details").get("reason").getStringValue());
        assertUpstreamNeverSaw("/priv/a");
        assertUpstreamNeverSaw("/../priv/a");
    }

    private static void assertUpstreamNeverSaw(String path) {
        for (EchoUpstream.Arrival arrival : UPSTREAM.arrivals()) {
            assertFalse(arrival.path().endsWith(path), "the upstream received " + arrival.method() + " " + arrival.path());
        }
    }

    static JsonNode assertEnvelope(JsonNode response, int status, String code) {
        assertEquals(status, response.get("statusCode").getIntValue(), text(response));
        JsonNode error = body(response).get("error");
        assertNotNull(error, "an error envelope: " + text(response));
        assertEquals(code, error.get("code").getStringValue());
        assertFalse(error.get("message").getStringValue().isBlank());
        return error;
    }

    /** The response body as a client of API Gateway reads it, parsed as JSON. */
    static JsonNode body(JsonNode response) {
        JsonNode body = response.get("body");
        assertNotNull(body, "a body: " + text(response));
        JsonNode base64 = response.get("isBase64Encoded");
        byte[] bytes = base64 != null && base64.isBoolean() && base64.getBooleanValue()
            ? Base64.getDecoder().decode(body.getStringValue())
            : body.getStringValue().getBytes(StandardCharsets.UTF_8);
        return parse(new String(bytes, StandardCharsets.UTF_8));
    }

    /** API Gateway reads response header names case-insensitively. */
    static JsonNode header(JsonNode headers, String name) {
        assertNotNull(headers, "headers");
        for (Map.Entry<String, JsonNode> header : headers.entries()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        throw new AssertionError("no " + name + " header in " + text(headers));
    }

    static List<String> strings(JsonNode array) {
        assertTrue(array.isArray(), "an array: " + text(array));
        List<String> values = new ArrayList<>();
        array.values().forEach(v -> values.add(v.getStringValue()));
        return values;
    }

    static String text(JsonNode json) {
        try {
            return JSON.writeValueAsString(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readValue(json, Argument.of(JsonNode.class));
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    static String resource(String name) {
        try (InputStream in = LambdaRuntimeIT.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
