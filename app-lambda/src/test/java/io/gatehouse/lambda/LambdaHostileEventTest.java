package io.gatehouse.lambda;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayRuntime;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.testing.RecordingUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-HTTP cases an API Gateway event can still carry, on both payloads, against a raw
 * upstream that records every request as it arrives ({@link RecordingUpstream}). API Gateway parses
 * HTTP itself, so there is no framing to smuggle through; what reaches the function are header
 * values: a {@code Transfer-Encoding} and a {@code Content-Length} that do not describe the event's
 * body, a header named in {@code Connection}, control characters in a value, two {@code Host}
 * values in a REST API's {@code multiValueHeaders}. The buffered engine sends the upstream one
 * well-framed request, or the handler refuses the event with the envelope the container answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LambdaHostileEventTest {

    private RecordingUpstream upstream;
    private final Map<String, GatewayTransport> started = new ConcurrentHashMap<>();

    @BeforeAll
    void start() {
        upstream = RecordingUpstream.start();
    }

    @AfterAll
    void stop() {
        started.values().forEach(GatewayTransport::close);
        upstream.close();
    }

    static Stream<Arguments> payloads() {
        return Stream.of(
            Arguments.of(Named.of("REST API (payload 1.0)", LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain()))),
            Arguments.of(Named.of("HTTP API (payload 2.0)", LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage()))));
    }

    private GatewayTransport gateway(GatewayRuntime runtime) {
        return started.computeIfAbsent(runtime.name(), name -> runtime.start(Map.of(
            "gateway.lambda.base-paths", List.of("/gw"),
            "gateway.upstreams.recorder.targets", List.of(upstream.url()),
            "gateway.routes[0].id", "everything",
            "gateway.routes[0].match.path", "/proxied/**",
            "gateway.routes[0].upstream", "recorder")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void transferEncodingAndContentLengthInTheEvent_thenOneRequestFramedByTheBody(GatewayRuntime runtime) {
        upstream.clear();
        ContractResponse response = gateway(runtime).send(ContractRequest.of("POST", "/proxied/te")
            .header("Transfer-Encoding", "chunked")
            .header("Content-Length", "40")
            .body("text/plain", "hello"));
        assertEquals(200, response.status(), response.text());
        assertEquals(1, upstream.received().size(), upstream.received().toString());
        RecordingUpstream.Received received = upstream.received().getFirst();
        assertTrue(received.complete());
        assertEquals("hello", received.body());
        assertEquals(List.of("5"), received.header("content-length"));
        assertEquals(List.of(), received.header("transfer-encoding"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void smuggledRequestInABody_thenItIsOnlyABody(GatewayRuntime runtime) {
        upstream.clear();
        String body = "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: gw.test\r\n\r\n";
        ContractResponse response = gateway(runtime).send(ContractRequest.of("POST", "/proxied/body")
            .header("Transfer-Encoding", "chunked")
            .body("text/plain", body));
        assertEquals(200, response.status(), response.text());
        assertEquals(List.of("POST /proxied/body HTTP/1.1"), upstream.allRequestLines());
        assertEquals(body, upstream.received().getFirst().body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void connectionNamedHeaderAndSpoofedForwarding_thenRemovedAndReplaced(GatewayRuntime runtime) {
        upstream.clear();
        ContractResponse response = gateway(runtime).send(ContractRequest.get("/proxied/hop")
            .header("Connection", "X-Internal-Secret")
            .header("X-Internal-Secret", "s3cret")
            .header("X-Forwarded-Host", "evil.test")
            .header("X-Forwarded-Prefix", "/admin"));
        assertEquals(200, response.status(), response.text());
        RecordingUpstream.Received received = upstream.received().getFirst();
        assertEquals(List.of(), received.header("x-internal-secret"));
        assertEquals(1, received.header("x-forwarded-host").size(), received.headerLines().toString());
        assertTrue(received.header("x-forwarded-host").getFirst().endsWith(".com"), received.headerLines().toString());
        assertEquals(List.of(), received.header("x-forwarded-prefix"));
        assertEquals(List.of("https"), received.header("x-forwarded-proto"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void controlCharactersInAHeaderValue_thenTheEnvelopeAndNothingForwarded(GatewayRuntime runtime) {
        upstream.clear();
        ContractResponse response = gateway(runtime).send(ContractRequest.get("/proxied/ctl")
            .header("X-Split", "a\r\nX-Injected: 1")
            .header("X-Nul", "a\u0000b"));
        assertEquals(400, response.status(), response.text());
        assertEquals("bad_request", response.json().get("error").get("code").getStringValue());
        assertEquals("malformed_request", response.json().get("error").get("details").get("reason").getStringValue());
        for (String field : List.of("message", "request_id", "timestamp")) {
            assertTrue(response.json().get("error").get(field) != null, field);
        }
        // Refused before Micronaut's HTTP layer, with the security headers every response carries.
        assertEquals("nosniff", response.header("X-Content-Type-Options").orElse(null), response.headers().toString());
        assertEquals("max-age=31536000; includeSubDomains", response.header("Strict-Transport-Security").orElse(null));
        assertEquals(List.of(), upstream.allRequestLines());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void upstreamHeaderWithControlCharacters_thenBadGatewayEnvelopeNotRelayed(GatewayRuntime runtime) {
        List<String> broken = List.of(
            "HTTP/1.1 200 OK\r\nX-Split: a\rSet-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nX-Split: a\u0000b\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nX-Split: a\nSet-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok");
        for (int i = 0; i < broken.size(); i++) {
            upstream.respondRaw("/proxied/split/" + i, broken.get(i));
            ContractResponse response = gateway(runtime).send(ContractRequest.get("/proxied/split/" + i));
            assertEquals(502, response.status(), broken.get(i) + " gave " + response.text());
            assertEquals("bad_gateway", response.json().get("error").get("code").getStringValue());
            assertTrue(response.header("Set-Cookie").isEmpty() && response.header("X-Split").isEmpty(), response.headers().toString());
        }
    }

    @Test
    void twoHostValuesInMultiValueHeaders_thenRefusedAsOnTheContainer() {
        upstream.clear();
        GatewayRuntime rest = LambdaRuntimes.restApi(ApiGatewayEvents.RestApiShape.customDomain());
        ContractResponse response = gateway(rest).send(ContractRequest.get("/proxied/host").header("Host", "evil.test"));
        assertEquals(400, response.status(), response.text());
        assertEquals("duplicate_host", response.json().get("error").get("details").get("reason").getStringValue());
        assertTrue(response.header("X-Request-ID").isPresent() && response.header("X-API-Version").isPresent());
        assertEquals("DENY", response.header("X-Frame-Options").orElse(null), response.headers().toString());
        assertEquals(List.of(), upstream.allRequestLines());
    }
}
