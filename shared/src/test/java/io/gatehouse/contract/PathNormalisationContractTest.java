package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.TestTokens;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Path normalisation against a route with {@code auth: jwt} ({@code /priv/**}) beside public ones
 * ({@code /pub/**}, and {@code /strip/**} with {@code strip-prefix}): every form of the
 * hostile-path corpus ({@code ..}, {@code %2e%2e}, {@code %252e}, {@code %2f}, backslashes,
 * {@code ;} parameters, double slashes, overlong and invalid UTF-8, NUL) is sent without a token,
 * and the protected route's upstream must never see a request. What the public upstream receives
 * is the normalised path; a refused form gets 400 {@code invalid_path} with its
 * {@code details.reason}; a form that normalises into {@code /priv} gets 401.
 *
 * <p>The answer depends on what reaches the gateway, so each {@link Probe} states it per
 * {@link Engine}: the container's engines and a REST API see the path as the client encoded it; an
 * HTTP API decodes {@code rawPath} before invoking the function, so {@code %2F} is a plain slash
 * there, {@code %252e} arrives as {@code %2e}, and each byte of invalid UTF-8 arrives as U+FFFD
 * (which the function's request encodes as {@code %EF%BF%BD}).
 *
 * <p>{@link #probe_overTheRuntimesClient} sends the forms {@code java.net.URI} can carry through the
 * runtime's own client (for Netty, the JDK's, whose target the transport does not resolve, so
 * {@code ..} is sent as written); {@link #probe_asSentOnTheWire} sends every form, byte for byte,
 * through {@link #sendAsIs(String)}: a raw socket on the container, the event as it is on Lambda.
 */
public abstract class PathNormalisationContractTest extends ContractTestBase {

    /** What reaches the gateway of a client's request target. */
    public enum Engine {
        /** The path as the client encoded it: Netty over HTTP/1.1 or HTTP/2, a REST API's {@code path}. */
        WIRE,
        /** A REST API (payload 1.0): the path as the client encoded it, checked against the decoded path parameters. */
        REST_API,
        /** An HTTP API (payload 2.0): {@code rawPath} percent-decoded once by API Gateway. */
        HTTP_API
    }

    /**
     * What a probe gets: 200 with the path the public upstream received, 401 (it normalised into
     * the protected route), or 400 {@code invalid_path} with a reason.
     *
     * @param status   200, 401 or 400
     * @param detail   the upstream's path for 200, the refusal reason for 400, {@code null} for 401
     */
    public record Outcome(int status, String detail) {
        static Outcome forwarded(String path) {
            return new Outcome(200, path);
        }

        static Outcome refused(String reason) {
            return new Outcome(400, reason);
        }

        static final Outcome UNAUTHORIZED = new Outcome(401, null);

        @Override
        public String toString() {
            return status == 401 ? "401" : status + " " + detail;
        }
    }

    /**
     * One form of the corpus.
     *
     * @param name    what it tries
     * @param target  the request target as the client sends it
     * @param uriSafe whether {@code java.net.URI} accepts it (the JDK client can send it)
     * @param wire    the outcome where the path arrives as encoded (Netty)
     * @param restApi the outcome on a REST API, {@code null} when API Gateway cannot deliver it
     * @param httpApi the outcome on an HTTP API, which decodes the path first; {@code null} when
     *                API Gateway cannot deliver it
     */
    public record Probe(String name, String target, boolean uriSafe, Outcome wire, Outcome restApi, Outcome httpApi) {

        /**
         * @param engine what reaches the gateway
         * @return the outcome there, {@code null} when the form cannot reach it
         */
        public Outcome expected(Engine engine) {
            return switch (engine) {
                case WIRE -> wire;
                case REST_API -> restApi;
                case HTTP_API -> httpApi;
            };
        }

        Probe http(Outcome outcome) {
            return new Probe(name, target, uriSafe, wire, restApi, outcome);
        }

        Probe rest(Outcome outcome) {
            return new Probe(name, target, uriSafe, wire, outcome, httpApi);
        }

        Probe raw() {
            return new Probe(name, target, false, wire, restApi, httpApi);
        }

        @Override
        public String toString() {
            return name + " " + target;
        }
    }

    private static Probe probe(String name, String target, Outcome everywhere) {
        return new Probe(name, target, true, everywhere, everywhere, everywhere);
    }

    private static final Outcome UNAUTHORIZED = Outcome.UNAUTHORIZED;

    /**
     * The corpus, with the outcome on each engine.
     *
     * @return every probe
     */
    public static Stream<Probe> probes() {
        return Stream.of(
            probe("ordinary path", "/pub/a", Outcome.forwarded("/pub/a")),
            probe("ordinary path with a query", "/pub/a?x=..%2F", Outcome.forwarded("/pub/a")),
            probe("dot-dot", "/pub/../priv/a", UNAUTHORIZED),
            probe("dot", "/pub/./a", Outcome.forwarded("/pub/a")),
            probe("dot-dot inside the public route", "/pub/a/../b", Outcome.forwarded("/pub/b")),
            probe("encoded dot-dot", "/pub/%2e%2e/priv/a", UNAUTHORIZED),
            probe("encoded dot-dot, upper case", "/pub/%2E%2E/priv/a", UNAUTHORIZED),
            probe("half-encoded dot-dot", "/pub/.%2e/priv/a", UNAUTHORIZED),
            probe("double-encoded dot-dot", "/pub/%252e%252e/priv/a", Outcome.refused("double_encoding"))
                .http(UNAUTHORIZED),
            probe("dot-dot and encoded slash", "/pub/..%2fpriv/a", Outcome.refused("encoded_slash")).http(UNAUTHORIZED),
            probe("encoded dot-dot and slash", "/pub/%2e%2e%2Fpriv/a", Outcome.refused("encoded_slash")).http(UNAUTHORIZED),
            probe("encoded slash in a name", "/pub/a%2Fb", Outcome.refused("encoded_slash")).http(Outcome.forwarded("/pub/a/b")),
            probe("encoded backslash", "/pub/..%5cpriv/a", Outcome.refused("backslash")),
            probe("backslash", "/pub/..\\priv/a", Outcome.refused("backslash")).raw(),
            probe("path parameter before dot-dot", "/pub;x=/../priv/a", Outcome.refused("semicolon")),
            probe("dot-dot with a parameter", "/pub/..;/priv/a", Outcome.refused("semicolon")),
            probe("parameter on the protected prefix", "/priv;x=/a", Outcome.refused("semicolon")),
            probe("double slash before the protected prefix", "//priv/a", UNAUTHORIZED),
            probe("double slash inside", "/pub//a", Outcome.forwarded("/pub/a")),
            probe("overlong UTF-8 dots", "/pub/%c0%ae%c0%ae/priv/a", Outcome.refused("invalid_utf8"))
                .http(Outcome.forwarded("/pub/" + "%EF%BF%BD".repeat(4) + "/priv/a")),
            probe("overlong UTF-8 slash", "/pub/..%c0%afpriv/a", Outcome.refused("invalid_utf8"))
                .http(Outcome.forwarded("/pub/..%EF%BF%BD%EF%BF%BDpriv/a")),
            probe("invalid UTF-8", "/pub/%ff", Outcome.refused("invalid_utf8")).http(Outcome.forwarded("/pub/%EF%BF%BD")),
            probe("NUL", "/pub/a%00.json", Outcome.refused("control_character")),
            probe("above the root", "/pub/../../priv/a", Outcome.refused("above_root")),
            probe("encoded unreserved characters", "/pub/%41%7e", Outcome.forwarded("/pub/A~")),
            probe("encoded space kept", "/pub/a%20b", Outcome.forwarded("/pub/a%20b")),
            probe("strip-prefix route, dot-dot", "/strip/../priv/a", UNAUTHORIZED),
            probe("strip-prefix route, encoded dot-dot", "/strip/%2e%2e/priv/a", UNAUTHORIZED),
            probe("strip-prefix route, dot-dot inside", "/strip/a/../b", Outcome.forwarded("/b")),
            // API Gateway cannot decode it into the event's path parameters (nor can its test events).
            probe("malformed escape", "/pub/a%zz", Outcome.refused("invalid_percent_encoding")).raw().rest(null).http(null),
            probe("raw non-ASCII", "/pub/caf\u00e9", Outcome.refused("invalid_character")).raw()
                .rest(Outcome.forwarded("/pub/caf%C3%A9")).http(Outcome.forwarded("/pub/caf%C3%A9")));
    }

    /**
     * @return the probes that can reach this runner's engine
     */
    Stream<Probe> deliverableProbes() {
        return probes().filter(p -> p.expected(engine()) != null);
    }

    /**
     * @return the deliverable probes {@code java.net.URI} accepts
     */
    Stream<Probe> uriSafeProbes() {
        return deliverableProbes().filter(Probe::uriSafe);
    }

    private final EchoUpstream pub = EchoUpstream.start("pub");
    private final EchoUpstream priv = EchoUpstream.start("priv");

    /**
     * @return what reaches the gateway on this runner
     */
    protected abstract Engine engine();

    /**
     * Sends a GET with this exact target, as a client that encodes nothing would.
     *
     * @param target the request target
     * @return the gateway's response
     */
    protected abstract ContractResponse sendAsIs(String target);

    /**
     * Whether Micronaut matches the gateway's own endpoints on the normalised path. {@code false}
     * only on the buffered engine over HTTP/2, where Micronaut routes the path as sent before any
     * filter runs.
     *
     * @return whether {@code /pub/../ping} is the gateway's {@code /ping}
     */
    protected boolean endpointsSeeNormalisedPath() {
        return true;
    }

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.config-file", definitionFile("""
            upstreams:
              pub:
                targets: ["%s"]
              priv:
                targets: ["%s"]
            routes:
              - id: pub
                match: { path: "/pub/**" }
                upstream: pub
                auth: none
              - id: strip
                match: { path: "/strip/**" }
                upstream: pub
                strip-prefix: true
                auth: none
              - id: priv
                match: { path: "/priv/**" }
                upstream: priv
                auth: jwt
            """.formatted(pub.url(), priv.url())).toString());
        properties.put("gateway.jwt.secret", TestTokens.SECRET);
        properties.put("gateway.jwt.issuers", List.of(TestTokens.ISSUER));
        properties.put("gateway.jwt.audiences", List.of(TestTokens.AUDIENCE));
        return properties;
    }

    @AfterAll
    void stopUpstreams() {
        pub.close();
        priv.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uriSafeProbes")
    void probe_overTheRuntimesClient(Probe probe) {
        int before = priv.requests();
        assertProbe(probe, send(ContractRequest.get(probe.target())));
        assertEquals(before, priv.requests(), "the protected upstream was reached without a token");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deliverableProbes")
    void probe_asSentOnTheWire(Probe probe) {
        int before = priv.requests();
        assertProbe(probe, sendAsIs(probe.target()));
        assertEquals(before, priv.requests(), "the protected upstream was reached without a token");
    }

    @Test
    void dotDotIntoTheProtectedRouteWithAToken_thenUpstreamGetsTheNormalisedPath() {
        String token = TestTokens.hmac(TestTokens.claims("alice").build(), JWSAlgorithm.HS256);
        ContractResponse response = send(ContractRequest.get("/pub/%2e%2e/priv/a").header("Authorization", "Bearer " + token));
        assertEquals(200, response.status(), response.text());
        assertEquals("priv", response.json().get("upstream").getStringValue());
        assertEquals("/priv/a", response.json().get("path").getStringValue());
    }

    @Test
    void refusedPathOnAGatewayEndpoint_then400BeforeTheEndpoint() {
        JsonNode error = assertEnvelope(send(ContractRequest.get("/ping%5C")), 400, "invalid_path");
        assertEquals("backslash", reason(error), error.toString());
    }

    @Test
    void changedPathToAGatewayEndpoint_thenTheEndpointOrNotFound() {
        int before = pub.requests() + priv.requests();
        ContractResponse response = sendAsIs("/pub/../ping");
        if (endpointsSeeNormalisedPath()) {
            assertEquals(200, response.status(), response.text());
        } else {
            assertEnvelope(response, 404, "not_found");
        }
        assertEquals(before, pub.requests() + priv.requests(), "no upstream was reached");
    }

    /**
     * Asserts a probe's response against its outcome on this runner's engine.
     *
     * @param probe    the probe
     * @param response the gateway's response
     */
    protected void assertProbe(Probe probe, ContractResponse response) {
        Outcome expected = probe.expected(engine());
        switch (expected.status()) {
            case 200 -> {
                assertEquals(200, response.status(), response.text());
                assertEquals("pub", response.json().get("upstream").getStringValue(), response.text());
                assertEquals(expected.detail(), response.json().get("path").getStringValue(), response.text());
            }
            case 401 -> assertEnvelope(response, 401, "unauthorized");
            default -> assertEquals(expected.detail(), reason(assertEnvelope(response, 400, "invalid_path")), response.text());
        }
    }

    private static String reason(JsonNode error) {
        JsonNode reason = error.get("details").get("reason");
        assertTrue(reason != null && reason.isString(), error.toString());
        return reason.getStringValue();
    }
}
