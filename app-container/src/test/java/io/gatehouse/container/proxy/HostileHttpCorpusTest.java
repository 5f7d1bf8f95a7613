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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-HTTP/1.1 corpus against the container, through a raw socket, with an upstream that
 * records every request line it receives: each case is answered with the envelope and
 * {@code Connection: close} (or only closed), the connection is closed, and the upstream never sees
 * a request the client smuggled after the bad one. Every case runs against a path a catch-all route
 * proxies and against a gateway endpoint (Micronaut answers it), since the front door
 * ({@code RequestFramingHandler}) stands before both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileHttpCorpusTest {

    private static final String HOST = "Host: gw.test\r\n";
    /** Sent after every hostile request: the upstream must never receive it. */
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\n" + HOST + "\r\n";

    private RecordingUpstream upstream;
    private ProxyGateway gateway;

    @BeforeAll
    void start() {
        upstream = RecordingUpstream.start();
        gateway = ProxyGateway.catchAll(upstream.url(), Map.of());
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
    }

    /**
     * Where a case's request goes: {@code {T}} in a request is a path without a body, {@code {B}} one
     * that reads a body.
     *
     * @param get  the path for {@code {T}}
     * @param body the path for {@code {B}}
     */
    private record Target(String get, String body) {
        String fill(String request) {
            return request.replace("{T}", get).replace("{B}", body);
        }
    }

    private static final Target PROXIED = new Target("/proxied", "/proxied");
    private static final Target GATEWAY_ENDPOINT = new Target("/ping", "/oauth/token");

    /**
     * One hostile request.
     *
     * @param request      the bytes, with {@code {T}} or {@code {B}} for the path
     * @param status       the status of the envelope
     * @param code         the envelope's code
     * @param reason       {@code details.reason}
     */
    private record Case(String request, int status, String code, String reason) {
    }

    private static Case refused(String request, int status, String code, String reason) {
        return new Case(request, status, code, reason);
    }

    private static Case badRequest(String request, String reason) {
        return refused(request, 400, "bad_request", reason);
    }

    private static Case brokenBody(String request) {
        return new Case(request, 400, "bad_request", "invalid_chunked_body");
    }

    static Stream<Arguments> corpus() {
        List<Named<Case>> cases = List.of(
            // Content-Length and Transfer-Encoding (RFC 9112 §6.1, §6.3)
            Named.of("CL and TE together", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "content_length_with_transfer_encoding")),
            Named.of("TE and CL together, TE first", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", "content_length_with_transfer_encoding")),
            Named.of("CL and TE in HTTP/1.0", badRequest("POST {B} HTTP/1.0\r\n" + HOST
                + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "content_length_with_transfer_encoding")),
            Named.of("CL and xchunked", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", "content_length_with_transfer_encoding")),
            Named.of("TE in HTTP/1.0", badRequest("POST {B} HTTP/1.0\r\n" + HOST
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "transfer_encoding_in_http_1_0")),
            Named.of("two Content-Length, same value", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "malformed_request")),
            Named.of("two Content-Length, different values", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Content-Length: 5\r\nContent-Length: 40\r\n\r\nhello", "malformed_request")),
            Named.of("comma-joined Content-Length", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Content-Length: 5, 5\r\n\r\nhello", "malformed_request")),
            Named.of("two Content-Length in HTTP/1.0", badRequest("POST {B} HTTP/1.0\r\n" + HOST
                + "Content-Length: 5\r\nContent-Length: 40\r\n\r\nhello", "invalid_content_length")),
            Named.of("signed Content-Length", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Content-Length: +5\r\n\r\nhello", "malformed_request")),
            Named.of("hex Content-Length", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Content-Length: 0x5\r\n\r\nhello", "malformed_request")),
            // Transfer-Encoding obfuscations
            Named.of("TE xchunked", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", "transfer_encoding_not_chunked")),
            Named.of("TE chunked, identity", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", "transfer_encoding_not_chunked")),
            Named.of("TE gzip alone", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding: gzip\r\n\r\n0\r\n\r\n", "transfer_encoding_not_chunked")),
            Named.of("TE empty", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding: ,\r\n\r\n0\r\n\r\n", "transfer_encoding_not_chunked")),
            Named.of("TE gzip, chunked", refused("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, "not_implemented", "unsupported_transfer_coding")),
            Named.of("TE identity, chunked", refused("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n", 501, "not_implemented", "unsupported_transfer_coding")),
            Named.of("TE chunked twice in one field", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", "chunked_twice")),
            Named.of("TE chunked in two fields", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "chunked_twice")),
            Named.of("TE with a space before the colon", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", "malformed_request")),
            Named.of("TE name with a tab before the colon", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n", "malformed_request")),
            Named.of("TE value after a vertical tab", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding:\u000bchunked\r\n\r\n0\r\n\r\n", "malformed_request")),
            Named.of("TE as the first header, indented", badRequest("POST {B} HTTP/1.1\r\n"
                + " Transfer-Encoding: chunked\r\n" + HOST + "\r\n0\r\n\r\n", "malformed_request")),
            Named.of("TE with parameters", badRequest("POST {B} HTTP/1.1\r\n" + HOST
                + "Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n", "transfer_encoding_not_chunked")),
            // chunked bodies
            brokenBodyCase("chunk size not hex", "zz\r\nhello\r\n0\r\n\r\n"),
            brokenBodyCase("chunk size overflows", "fffffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
            brokenBodyCase("chunk size with a bare LF", "5\nhello\r\n0\r\n\r\n"),
            brokenBodyCase("chunk extension with a bare LF", "5;ext=1\nhello\r\n0\r\n\r\n"),
            brokenBodyCase("chunk data longer than its size", "3\r\nhello\r\n0\r\n\r\n"),
            // line endings and characters
            Named.of("bare LF after the request line", badRequest("GET {T} HTTP/1.1\n" + HOST + "\r\n", "malformed_request")),
            Named.of("bare LF between headers", badRequest("GET {T} HTTP/1.1\r\n" + HOST
                + "X-A: 1\nX-B: 2\r\n\r\n", "malformed_request")),
            Named.of("bare CR in a header value", badRequest("GET {T} HTTP/1.1\r\n" + HOST
                + "X-A: 1\rX-B: 2\r\n\r\n", "malformed_request")),
            Named.of("NUL in a header value", badRequest("GET {T} HTTP/1.1\r\n" + HOST
                + "X-A: a\u0000b\r\n\r\n", "malformed_request")),
            Named.of("NUL in a header name", badRequest("GET {T} HTTP/1.1\r\n" + HOST
                + "X-\u0000A: a\r\n\r\n", "malformed_request")),
            Named.of("control character in a header value", badRequest("GET {T} HTTP/1.1\r\n" + HOST
                + "X-A: a\u0001b\r\n\r\n", "malformed_request")),
            Named.of("DEL in a header value", badRequest("GET {T} HTTP/1.1\r\n" + HOST
                + "X-A: a\u007fb\r\n\r\n", "malformed_request")),
            Named.of("space before the colon", badRequest("GET {T} HTTP/1.1\r\n" + HOST
                + "X-A : a\r\n\r\n", "malformed_request")),
            Named.of("header line without a colon", badRequest("GET {T} HTTP/1.1\r\n" + HOST
                + "X-A a\r\n\r\n", "malformed_request")),
            Named.of("NUL in the request path", refused("GET {T}\u0000x HTTP/1.1\r\n" + HOST + "\r\n",
                400, "invalid_path", "invalid_character")),
            Named.of("non-ASCII in the request path", refused("GET {T}\u00e9 HTTP/1.1\r\n" + HOST + "\r\n",
                400, "invalid_path", "invalid_character")),
            Named.of("non-ASCII in the query", badRequest("GET {T}?q=\u00e9 HTTP/1.1\r\n" + HOST + "\r\n",
                "invalid_request_target")),
            // Host (RFC 9112 §3.2)
            Named.of("HTTP/1.1 without Host", badRequest("GET {T} HTTP/1.1\r\n\r\n", "missing_host")),
            Named.of("two Host headers", badRequest("GET {T} HTTP/1.1\r\n" + HOST + "Host: evil.test\r\n\r\n",
                "duplicate_host")),
            Named.of("comma-joined Host", badRequest("GET {T} HTTP/1.1\r\nHost: gw.test,evil.test\r\n\r\n", "invalid_host")),
            Named.of("Host with a space", badRequest("GET {T} HTTP/1.1\r\nHost: gw.test evil.test\r\n\r\n", "invalid_host")),
            Named.of("Host with a path", badRequest("GET {T} HTTP/1.1\r\nHost: gw.test/evil\r\n\r\n", "invalid_host")),
            Named.of("Host with user info", badRequest("GET {T} HTTP/1.1\r\nHost: user@gw.test\r\n\r\n", "invalid_host")),
            // request targets
            Named.of("absolute-form with user info", badRequest("GET http://user@gw.test{T} HTTP/1.1\r\n" + HOST + "\r\n",
                "invalid_request_target")),
            Named.of("absolute-form whose authority is not Host", badRequest("GET http://evil.test{T} HTTP/1.1\r\n" + HOST
                + "\r\n", "host_mismatch")),
            Named.of("absolute-form without Host", badRequest("GET http://gw.test{T} HTTP/1.1\r\n\r\n", "missing_host")),
            Named.of("absolute-form without authority", badRequest("GET http://{T} HTTP/1.1\r\n" + HOST + "\r\n",
                "invalid_request_target")),
            Named.of("absolute-form of another scheme", badRequest("GET ftp://gw.test{T} HTTP/1.1\r\n" + HOST + "\r\n",
                "invalid_request_target")),
            Named.of("authority-form with CONNECT", refused("CONNECT gw.test:443 HTTP/1.1\r\nHost: gw.test:443\r\n\r\n",
                501, "not_implemented", "connect")),
            Named.of("authority-form with GET", badRequest("GET gw.test:80 HTTP/1.1\r\n" + HOST + "\r\n",
                "invalid_request_target")),
            Named.of("asterisk-form with GET", badRequest("GET * HTTP/1.1\r\n" + HOST + "\r\n", "invalid_request_target")),
            // versions
            Named.of("HTTP/0.9", badRequest("GET {T}\r\n", "malformed_request")),
            Named.of("HTTP/2.0 on an HTTP/1.1 connection", refused("GET {T} HTTP/2.0\r\n" + HOST + "\r\n",
                505, "http_version_not_supported", "unsupported_http_version")),
            Named.of("HTTP/3.0", refused("GET {T} HTTP/3.0\r\n" + HOST + "\r\n",
                505, "http_version_not_supported", "unsupported_http_version")),
            Named.of("HTTP/2 connection preface", refused("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                505, "http_version_not_supported", "unsupported_http_version")),
            Named.of("two-digit version", badRequest("GET {T} HTTP/1.10\r\n" + HOST + "\r\n", "malformed_request")),
            Named.of("trailing space after the version", badRequest("GET {T} HTTP/1.1 \r\n" + HOST + "\r\n",
                "malformed_request")),
            // limits
            Named.of("request line over 16 KiB", refused("GET {T}?q=" + "a".repeat(16 * 1024) + " HTTP/1.1\r\n" + HOST + "\r\n",
                414, "uri_too_long", "request_line_too_long")),
            Named.of("header section over 32 KiB", refused("GET {T} HTTP/1.1\r\n" + HOST
                + ("X-Filler: " + "a".repeat(1000) + "\r\n").repeat(33) + "\r\n",
                431, "headers_too_large", "header_section_too_large")));
        List<Arguments> arguments = new ArrayList<>();
        for (Named<Case> c : cases) {
            arguments.add(Arguments.of(Named.of("proxied: " + c.getName(), c.getPayload()), Named.of("proxied", PROXIED)));
            arguments.add(Arguments.of(Named.of("gateway endpoint: " + c.getName(), c.getPayload()),
                Named.of("gateway endpoint", GATEWAY_ENDPOINT)));
        }
        return arguments.stream();
    }

    private static Named<Case> brokenBodyCase(String name, String body) {
        return Named.of(name, brokenBody("POST {B} HTTP/1.1\r\n" + HOST + "Content-Type: text/plain\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n" + body));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void hostileRequest_thenEnvelopeAndCloseAndNothingSmuggled(Case hostile, Target target) throws Exception {
        upstream.clear();
        String request = target.fill(hostile.request());
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send(request + SMUGGLED);
            RawHttp.Response response = raw.read();
            assertRefusal(response, hostile.status(), hostile.code(), hostile.reason());
            assertTrue(raw.closedByServer(), "the connection is closed after the refusal");
        }
        // A broken chunked body may follow its head to the upstream in part; the upstream never
        // receives it whole, which requestLines() (complete requests only) checks.
        assertUpstreamSawNothingElse(List.of());
    }

    @Test
    void requestsPipelinedAfterAnError_areNeverExecuted() throws Exception {
        for (Target target : List.of(PROXIED, GATEWAY_ENDPOINT)) {
            upstream.clear();
            try (RawHttp raw = new RawHttp(gateway.port())) {
                raw.send(target.fill("GET {T} HTTP/1.1\r\n" + HOST + "\r\n")
                    + target.fill("GET {T} HTTP/1.1\r\n" + HOST + "Host: evil.test\r\n\r\n")
                    + SMUGGLED + SMUGGLED);
                RawHttp.Response first = raw.read();
                assertEquals(200, first.status(), first.body());
                assertRefusal(raw.read(), 400, "bad_request", "duplicate_host");
                assertTrue(raw.closedByServer());
            }
            assertUpstreamSawNothingElse(target == PROXIED ? List.of("GET /proxied HTTP/1.1") : List.of());
        }
    }

    @Test
    void refusalAfterASlowProxiedResponse_waitsForItAndKeepsTheOrder() throws Exception {
        upstream.clear();
        upstream.respondRaw("/slow-first", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nslow");
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("POST /slow-first HTTP/1.1\r\n" + HOST + "Content-Length: 3\r\n\r\nabc"
                + "GET /x HTTP/1.1\r\n\r\n" + SMUGGLED);
            RawHttp.Response first = raw.read();
            assertEquals(200, first.status());
            assertEquals("slow", first.body());
            assertRefusal(raw.read(), 400, "bad_request", "missing_host");
            assertTrue(raw.closedByServer());
        }
        assertUpstreamSawNothingElse(List.of("POST /slow-first HTTP/1.1"));
    }

    // ------------------------------------------------------------------ accepted, normalised

    @Test
    void absoluteFormMatchingHost_thenServedAsOriginForm() throws Exception {
        upstream.clear();
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET http://API.example.test:80/proxied/abs?x=1#frag HTTP/1.1\r\nHost: api.example.test\r\n\r\n");
            assertEquals(200, raw.read().status());
        }
        RecordingUpstream.Received received = upstream.received().getFirst();
        assertEquals("GET /proxied/abs?x=1 HTTP/1.1", received.requestLine());
        assertEquals(List.of("API.example.test:80"), received.header("x-forwarded-host"));
        upstream.clear();
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET http://old.example.test/proxied/abs10 HTTP/1.0\r\n\r\n");
            assertEquals(200, raw.read().status());
        }
        assertEquals(List.of("old.example.test"), upstream.received().getFirst().header("x-forwarded-host"));
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET HTTP://GW.TEST/ping HTTP/1.1\r\n" + HOST + "\r\n");
            RawHttp.Response ping = raw.read();
            assertEquals(200, ping.status());
            assertEquals("OK", ping.body());
        }
    }

    @Test
    void obsFold_thenReplacedBySpaceAndForwardedAsOneLine() throws Exception {
        upstream.clear();
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET /proxied/fold HTTP/1.1\r\n" + HOST + "X-Folded: first\r\n  second\r\n\r\n" + SMUGGLED);
            assertEquals(200, raw.read().status());
            assertEquals(200, raw.read().status());
        }
        assertEquals(List.of("first second"), upstream.received().getFirst().header("x-folded"));
        assertTrue(upstream.received().getFirst().headerLines().stream().noneMatch(line -> line.startsWith(" ")));
    }

    @Test
    void caseAndWhitespaceVariantsOfChunked_thenOneChunkedBodyForwarded() throws Exception {
        for (String encoding : List.of("Transfer-Encoding: CHUNKED", "TRANSFER-ENCODING:\tchunked", "transfer-encoding: chunked \t")) {
            upstream.clear();
            try (RawHttp raw = new RawHttp(gateway.port())) {
                raw.send("POST /proxied/te HTTP/1.1\r\n" + HOST + encoding + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + SMUGGLED);
                assertEquals(200, raw.read().status());
                assertEquals(200, raw.read().status());
            }
            assertEquals(List.of("POST /proxied/te HTTP/1.1", "GET /smuggled HTTP/1.1"), upstream.requestLines(), encoding);
            assertEquals("hello", upstream.received().getFirst().body());
        }
    }

    @Test
    void h2cUpgrade_thenAnsweredOverHttp1AndNeverForwarded() throws Exception {
        upstream.clear();
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET /proxied/h2c HTTP/1.1\r\n" + HOST + "Connection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertEquals(200, response.status());
            assertEquals(null, response.header("upgrade"));
        }
        RecordingUpstream.Received received = upstream.received().getFirst();
        assertEquals(List.of(), received.header("upgrade"));
        assertEquals(List.of(), received.header("http2-settings"));
        assertFalse(received.header("connection").stream().anyMatch(v -> v.toLowerCase().contains("upgrade")));
    }

    @Test
    void spoofedForwardingAndConnectionNamedHeaders_thenReplacedAndRemoved() throws Exception {
        upstream.clear();
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET /proxied/spoof HTTP/1.1\r\n" + HOST + "X-Forwarded-Host: evil.test\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Prefix: /admin\r\nX-Forwarded-For: 6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\n"
                + "Forwarded: for=6.6.6.6;host=evil.test;proto=https\r\n"
                + "Connection: keep-alive, X-Internal-Secret\r\nX-Internal-Secret: s3cret\r\n\r\n");
            assertEquals(200, raw.read().status());
        }
        RecordingUpstream.Received received = upstream.received().getFirst();
        assertEquals(List.of("gw.test"), received.header("x-forwarded-host"));
        assertEquals(List.of("http"), received.header("x-forwarded-proto"));
        assertEquals(List.of(), received.header("x-forwarded-prefix"));
        assertEquals(List.of("127.0.0.1"), received.header("x-forwarded-for"));
        assertEquals(List.of("127.0.0.1"), received.header("x-real-ip"));
        assertEquals(List.of(), received.header("x-internal-secret"));
        assertEquals(List.of("for=127.0.0.1;proto=http;host=gw.test"),
            received.header("forwarded"));
    }

    // ------------------------------------------------------------------ response splitting

    @Test
    void upstreamHeaderWithControlCharacters_thenBadGatewayEnvelopeNotRelayed() throws Exception {
        List<String> broken = List.of(
            "HTTP/1.1 200 OK\r\nX-Split: a\rSet-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nX-Split: a\u0000b\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nX-Split: a\nSet-Cookie: evil=1\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\nok");
        for (int i = 0; i < broken.size(); i++) {
            upstream.respondRaw("/split/" + i, broken.get(i));
            try (RawHttp raw = new RawHttp(gateway.port())) {
                raw.send("GET /split/" + i + " HTTP/1.1\r\n" + HOST + "\r\n");
                RawHttp.Response response = raw.read();
                assertEquals(502, response.status(), broken.get(i));
                assertTrue(response.body().contains("\"code\":\"bad_gateway\""), response.body());
                assertEquals(null, response.header("set-cookie"));
                assertEquals(null, response.header("x-split"));
            }
        }
    }

    @Test
    void upstreamObsFoldOrSpaceBeforeColon_thenRelayedAsOneCleanLine() throws Exception {
        upstream.respondRaw("/split/fold", "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nX-Spaced : c\r\nContent-Length: 2\r\n\r\nok");
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET /split/fold HTTP/1.1\r\n" + HOST + "\r\n");
            RawHttp.Response response = raw.read();
            assertEquals(200, response.status());
            assertEquals("a b", response.header("x-folded"));
            assertEquals("c", response.header("x-spaced"));
        }
    }

    @Test
    void lowerCaseProtocolName_thenServedAsHttp11() throws Exception {
        upstream.clear();
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET /proxied/lower http/1.1\r\n" + HOST + "\r\n");
            assertEquals(200, raw.read().status());
        }
        assertEquals(List.of("GET /proxied/lower HTTP/1.1"), upstream.requestLines());
    }

    // ------------------------------------------------------------------ helpers

    private static void assertRefusal(RawHttp.Response response, int status, String code, String reason) {
        assertEquals(status, response.status(), response.body());
        String body = response.body();
        assertTrue(body.contains("\"code\":\"" + code + "\""), body);
        assertTrue(body.contains("\"reason\":\"" + reason + "\""), body);
        for (String field : List.of("\"message\":", "\"details\":", "\"request_id\":", "\"timestamp\":")) {
            assertTrue(body.contains(field), field + " in " + body);
        }
        assertEquals("close", response.header("connection"));
        assertTrue(response.header("x-request-id") != null && response.header("x-api-version") != null, response.headers().toString());
        // The front door's refusals carry the security headers every response carries.
        assertEquals("nosniff", response.header("x-content-type-options"), response.headers().toString());
        assertEquals("DENY", response.header("x-frame-options"), response.headers().toString());
        assertEquals("frame-ancestors 'none'", response.header("content-security-policy"), response.headers().toString());
    }

    /**
     * Sends a control request on a new connection, then checks that the upstream received, whole,
     * exactly the allowed requests and the control request (a smuggled request would have been
     * forwarded before the control one), and never even the start of the smuggled one.
     */
    private void assertUpstreamSawNothingElse(List<String> allowed) throws IOException {
        try (RawHttp raw = new RawHttp(gateway.port())) {
            raw.send("GET /control HTTP/1.1\r\n" + HOST + "\r\n");
            assertEquals(200, raw.read().status());
        }
        List<String> seen = new ArrayList<>(upstream.requestLines());
        assertTrue(seen.remove("GET /control HTTP/1.1"), seen.toString());
        assertEquals(allowed, seen, "the complete requests the upstream received");
        assertFalse(upstream.allRequestLines().contains(SMUGGLED.substring(0, SMUGGLED.indexOf("\r\n"))),
            upstream.allRequestLines().toString());
    }
}
