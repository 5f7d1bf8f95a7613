package io.gatehouse.container.proxy;

import io.gatehouse.testing.RecordingUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP/2 part of the hostile corpus: with {@code micronaut.server.http-version: 2.0}, a raw h2c
 * client with prior knowledge ({@link RawH2}) sends header blocks that RFC 9113 §8 makes malformed,
 * and a CONTINUATION flood. Each must end in a stream reset, a GOAWAY, a close or a 4xx response, and
 * the recording upstream behind a catch-all route must never receive the request. A valid request
 * through the same writer reaches the upstream, so the writer is proven to work. HTTP/1.1 on the
 * same server passes the same front door as on an HTTP/1.1-only one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2HostileCorpusTest {

    private RecordingUpstream upstream;
    private ProxyGateway gateway;

    @BeforeAll
    void start() {
        upstream = RecordingUpstream.start();
        gateway = ProxyGateway.catchAll(upstream.url(), Map.of("micronaut.server.http-version", "2.0"));
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
    }

    private static List<Map.Entry<String, String>> request(String path, List<Map.Entry<String, String>> extra) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(
            entry(":method", "GET"), entry(":scheme", "http"), entry(":authority", "gw.test"), entry(":path", path)));
        headers.addAll(extra);
        return headers;
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
            Arguments.of(Named.of("pseudo-header after a regular header", List.of(
                entry(":method", "GET"), entry(":scheme", "http"), entry("x-a", "1"),
                entry(":path", "/h2/late-pseudo"), entry(":authority", "gw.test")))),
            Arguments.of(Named.of("duplicated :path", request("/h2/dup-path", List.of(entry(":path", "/h2/other"))))),
            Arguments.of(Named.of("duplicated :method", request("/h2/dup-method", List.of(entry(":method", "POST"))))),
            Arguments.of(Named.of("unknown pseudo-header", request("/h2/unknown-pseudo", List.of(entry(":foo", "bar"))))),
            Arguments.of(Named.of("response pseudo-header in a request", request("/h2/status", List.of(entry(":status", "200"))))),
            Arguments.of(Named.of("missing :path", List.of(
                entry(":method", "GET"), entry(":scheme", "http"), entry(":authority", "gw.test"), entry("x-path", "/h2/none")))),
            Arguments.of(Named.of("empty :path", request("", List.of(entry("x-case", "/h2/empty-path"))))),
            Arguments.of(Named.of("upper-case header name", request("/h2/upper", List.of(entry("X-Upper", "1"))))),
            Arguments.of(Named.of("connection header", request("/h2/connection", List.of(entry("connection", "keep-alive"))))),
            Arguments.of(Named.of("transfer-encoding header", request("/h2/te", List.of(entry("transfer-encoding", "chunked"))))),
            Arguments.of(Named.of("keep-alive header", request("/h2/keep-alive", List.of(entry("keep-alive", "timeout=5"))))),
            Arguments.of(Named.of("upgrade header", request("/h2/upgrade", List.of(entry("upgrade", "websocket"))))),
            Arguments.of(Named.of("te other than trailers", request("/h2/te-gzip", List.of(entry("te", "gzip"))))),
            Arguments.of(Named.of("CRLF in a value", request("/h2/crlf", List.of(entry("x-a", "1\r\nx-b: 2"))))),
            Arguments.of(Named.of("NUL in a value", request("/h2/nul", List.of(entry("x-a", "1\u0000"))))),
            Arguments.of(Named.of("space in a name", request("/h2/space", List.of(entry("x a", "1"))))),
            Arguments.of(Named.of("CRLF in :path", request("/h2/path\r\nx: y", List.of()))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedHeaderBlock_thenResetOrRefusedAndNeverForwarded(List<Map.Entry<String, String>> headers) throws Exception {
        upstream.clear();
        try (RawH2 h2 = new RawH2(gateway.port())) {
            h2.frame(RawH2.HEADERS, RawH2.END_STREAM | RawH2.END_HEADERS, 1, RawH2.block(headers));
            RawH2.Outcome outcome = h2.outcome(1);
            assertTrue(outcome.refused(), outcome.toString());
        }
        assertUpstreamSawOnlyTheControl();
    }

    @Test
    void continuationFlood_thenTheConnectionEndsAndNothingIsForwarded() throws Exception {
        upstream.clear();
        try (RawH2 h2 = new RawH2(gateway.port())) {
            h2.frame(RawH2.HEADERS, RawH2.END_STREAM, 1, RawH2.block(request("/h2/flood", List.of())));
            byte[] filler = RawH2.block(List.of(entry("x-flood", "f".repeat(1000))));
            RawH2.Outcome outcome = null;
            try {
                for (int i = 0; i < 10_000; i++) {
                    h2.frame(RawH2.CONTINUATION, 0, 1, filler);
                }
            } catch (IOException closedByServer) {
                outcome = new RawH2.Outcome(-1, 0);
            }
            if (outcome == null) {
                outcome = h2.outcome(1);
            }
            assertTrue(outcome.refused(), outcome.toString());
        }
        assertUpstreamSawOnlyTheControl();
    }

    @Test
    void contentLengthShorterThanTheData_thenNoSecondRequestUpstream() throws Exception {
        // The HTTP/2-to-HTTP/1.1 downgrade smuggle: a declared length of 0, and a request as the data.
        upstream.clear();
        try (RawH2 h2 = new RawH2(gateway.port())) {
            List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(entry(":method", "POST"), entry(":scheme", "http"),
                entry(":authority", "gw.test"), entry(":path", "/h2/cl"), entry("content-length", "0")));
            h2.frame(RawH2.HEADERS, RawH2.END_HEADERS, 1, RawH2.block(headers));
            h2.frame(RawH2.DATA, RawH2.END_STREAM, 1,
                "GET /smuggled HTTP/1.1\r\nHost: gw.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            RawH2.Outcome outcome = h2.outcome(1);
            assertTrue(outcome.refused(), outcome.toString());
        }
        assertUpstreamSawOnlyTheControl();
    }

    @Test
    void validRequestThroughTheSameWriter_thenForwarded() throws Exception {
        upstream.clear();
        try (RawH2 h2 = new RawH2(gateway.port())) {
            h2.frame(RawH2.HEADERS, RawH2.END_STREAM | RawH2.END_HEADERS, 1,
                RawH2.block(request("/h2/valid", List.of(entry("x-a", "1"), entry("te", "trailers")))));
            assertEquals(new RawH2.Outcome(RawH2.HEADERS, 200), h2.outcome(1));
        }
        assertEquals(List.of("GET /h2/valid HTTP/1.1"), upstream.requestLines());
    }

    @Test
    void http1OnTheH2cServer_thenTheSameFrontDoor() throws Exception {
        upstream.clear();
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET /h2/first HTTP/1.1\r\nHost: gw.test\r\n\r\n"
                + "GET /h2/second HTTP/1.1\r\n\r\n"
                + "GET /smuggled HTTP/1.1\r\nHost: gw.test\r\n\r\n");
            assertEquals(200, raw.read().status());
            RawHttp.Response refused = raw.read();
            assertEquals(400, refused.status(), refused.body());
            assertTrue(refused.body().contains("\"reason\":\"missing_host\""), refused.body());
            assertEquals("close", refused.header("connection"));
            assertTrue(raw.closedByServer());
        }
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET /h2/version HTTP/2.0\r\nHost: gw.test\r\n\r\n");
            assertEquals(505, raw.read().status());
            assertTrue(raw.closedByServer());
        }
        assertEquals(List.of("GET /h2/first HTTP/1.1"), upstream.requestLines());
    }

    /** A valid request on a new connection, then: the upstream saw that one and nothing else. */
    private void assertUpstreamSawOnlyTheControl() throws Exception {
        try (RawH2 h2 = new RawH2(gateway.port())) {
            h2.frame(RawH2.HEADERS, RawH2.END_STREAM | RawH2.END_HEADERS, 1, RawH2.block(request("/h2/control", List.of())));
            assertEquals(new RawH2.Outcome(RawH2.HEADERS, 200), h2.outcome(1));
        }
        assertEquals(List.of("GET /h2/control HTTP/1.1"), upstream.requestLines());
    }
}
