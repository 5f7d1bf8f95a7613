package io.gatehouse.contract;

import io.gatehouse.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.gatehouse.contract.CorsContractTest.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security headers on every response, the same on Netty and both Lambda payloads: the gateway's
 * own endpoints and errors (200, 404, 405, 403, 500), proxied responses and an upstream's 500, the
 * gateway's 401 and 502 on a route, a preflight's answer; a route's {@code security-headers}
 * setting, changing and switching off single headers; {@code Content-Security-Policy} added beside
 * the upstream's, the others replacing the upstream's; {@code Strict-Transport-Security} only over
 * TLS (always behind API Gateway; on Netty when the trusted proxy says {@code X-Forwarded-Proto:
 * https}); the upstream's {@code Server} and {@code X-Powered-By} never reach the client; the
 * gateway-wide settings, and a value a header does not take refused at start naming the property.
 */
public abstract class SecurityHeadersContractTest extends ContractTestBase {

    private static final String DEFAULT_CSP = "frame-ancestors 'none'";
    private static final String DEFAULT_HSTS = "max-age=31536000; includeSubDomains";

    private final NoisyUpstream upstream = new NoisyUpstream("/sh");

    /**
     * @return whether every request of this runtime reached the gateway over TLS (API Gateway's
     *     endpoints are HTTPS only; the Netty runners speak plain HTTP)
     */
    protected boolean overTls() {
        return false;
    }

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.config-file", routesFile().toString());
        properties.put("gateway.proxy.trust-forwarded-headers", true);
        properties.put("gateway.proxy.max-request-body", 16_384);
        properties.put("micronaut.server.max-request-size", 65_536);
        return properties;
    }

    @AfterAll
    void stopUpstream() {
        upstream.close();
    }

    private Path routesFile() {
        return definitionFile("""
            upstreams:
              noisy:
                targets: ["%s"]
              closed:
                targets: ["http://127.0.0.1:%d"]
            routes:
              - id: defaults
                match: { path: "/sh/defaults/**" }
                upstream: noisy
              - id: custom
                match: { path: "/sh/custom/**" }
                upstream: noisy
                security-headers:
                  frame-options: DENY
                  referrer-policy: strict-origin-when-cross-origin
                  content-security-policy: "default-src 'self'"
                  strict-transport-security: "max-age=60"
              - id: off
                match: { path: "/sh/off/**" }
                upstream: noisy
                security-headers: { frame-options: false, content-security-policy: false, strict-transport-security: false }
              - id: protected
                match: { path: "/sh/protected/**" }
                upstream: noisy
                auth: jwt
                cors: { origins: [https://app.example.com] }
              - id: unreachable
                match: { path: "/sh/closed/**" }
                upstream: closed
            """.formatted(upstream.url(), TestUpstream.closedPort()));
    }

    /** The headers every response carries by default. */
    private void assertDefaults(ContractResponse response, boolean tls) {
        assertEquals("nosniff", response.header("X-Content-Type-Options").orElse(null), response.headers().toString());
        assertEquals(List.of("DENY"), response.headers().get("x-frame-options"), response.headers().toString());
        assertTrue(tokens(response, "Content-Security-Policy").contains(DEFAULT_CSP), response.headers().toString());
        assertEquals("no-referrer", response.header("Referrer-Policy").orElse(null));
        assertEquals(tls ? Optional.of(DEFAULT_HSTS) : Optional.empty(), response.header("Strict-Transport-Security"));
        assertNoServer(response);
    }

    private static void assertNoServer(ContractResponse response) {
        assertTrue(response.header("Server").isEmpty(), "Server: " + response.header("Server"));
        assertTrue(response.header("X-Powered-By").isEmpty(), "X-Powered-By: " + response.header("X-Powered-By"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "GET    | /v1/health          | 200",
        "GET    | /ping               | 200",
        "GET    | /nowhere            | 404",
        "DELETE | /ping               | 405",
        "GET    | /contract/forbidden | 403",
        "GET    | /contract/boom      | 500",
        "GET    | /sh/defaults/a      | 200",
        "GET    | /sh/defaults/fail   | 500",
        "GET    | /sh/protected/a     | 401",
        "GET    | /sh/closed/a        | 502"})
    void anyResponse_thenTheDefaultSecurityHeaders(String method, String path, int status) {
        ContractResponse response = send(ContractRequest.of(method, path));
        assertEquals(status, response.status(), response.text());
        assertDefaults(response, overTls());
    }

    @ParameterizedTest(name = "{0} {1} with {2} bytes -> {3}")
    @CsvSource(delimiter = '|', value = {
        "GET  | /ping%5C                     | 0     | 400",
        "GET  | /sh/defaults/a;x=1           | 0     | 400",
        "POST | /sh/defaults/a               | 20000 | 413"})
    void refusedBeforeAnyRouteOrEndpoint_thenTheDefaultSecurityHeaders(String method, String path, int size, int status) {
        ContractRequest request = ContractRequest.of(method, path);
        if (size > 0) {
            request = request.body("text/plain", "x".repeat(size));
        }
        ContractResponse response = send(request);
        assertEquals(status, response.status(), response.text());
        assertDefaults(response, overTls());
    }

    @Test
    protected void ownEndpointBodyOverMaxRequestSize_then413WithTheDefaultSecurityHeaders() {
        ContractResponse response = send(ContractRequest.of("POST", "/contract/echo").body("text/plain", "x".repeat(70_000)));
        assertEquals(413, response.status(), response.text());
        assertDefaults(response, overTls());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/v1/health", "/sh/defaults/a", "/sh/protected/a"})
    void trustedProxySaysHttps_thenStrictTransportSecurity(String path) {
        ContractResponse response = send(ContractRequest.get(path).header("X-Forwarded-Proto", "https"));
        assertDefaults(response, true);
    }

    @Test
    void preflightAnswer_thenTheSecurityHeadersToo() {
        ContractResponse response = send(ContractRequest.of("OPTIONS", "/sh/protected/a").header("Origin", "https://app.example.com")
            .header("Access-Control-Request-Method", "GET"));
        assertEquals(204, response.status(), response.text());
        assertDefaults(response, overTls());
    }

    @Test
    void upstreamsOwnHeaders_thenCspKeptBesideTheGatewaysAndTheOthersReplaced() {
        ContractResponse response = send(ContractRequest.get("/sh/defaults/a"));
        assertEquals(List.of(NoisyUpstream.CSP, DEFAULT_CSP), tokens(response, "Content-Security-Policy"),
            "browsers enforce both: the gateway's can only tighten the upstream's");
        assertEquals(List.of("DENY"), response.headers().get("x-frame-options"), "the upstream's SAMEORIGIN replaced");
    }

    @Test
    void routeSettings_thenChangedForThatRouteOnly() {
        ContractResponse response = send(ContractRequest.get("/sh/custom/a").header("X-Forwarded-Proto", "https"));
        assertEquals(200, response.status(), response.text());
        assertEquals("DENY", response.header("X-Frame-Options").orElseThrow());
        assertEquals("strict-origin-when-cross-origin", response.header("Referrer-Policy").orElseThrow());
        assertEquals(List.of(NoisyUpstream.CSP, "default-src 'self'"), tokens(response, "Content-Security-Policy"));
        assertEquals("max-age=60", response.header("Strict-Transport-Security").orElseThrow());
        assertEquals("nosniff", response.header("X-Content-Type-Options").orElseThrow());
        assertNoServer(response);
    }

    @Test
    void routeSwitchesHeadersOff_thenTheUpstreamsOwnPassUntouched() {
        ContractResponse response = send(ContractRequest.get("/sh/off/a").header("X-Forwarded-Proto", "https"));
        assertEquals(200, response.status(), response.text());
        assertEquals(List.of(NoisyUpstream.FRAME_OPTIONS), response.headers().get("x-frame-options"));
        assertEquals(List.of(NoisyUpstream.CSP), tokens(response, "Content-Security-Policy"));
        assertTrue(response.header("Strict-Transport-Security").isEmpty());
        assertEquals("nosniff", response.header("X-Content-Type-Options").orElseThrow());
        assertEquals("no-referrer", response.header("Referrer-Policy").orElseThrow());
        assertNoServer(response);
    }

    @Test
    void gatewaySettings_thenEveryResponseCarriesThem() {
        Map<String, Object> properties = properties();
        properties.put("gateway.security-headers.server", "gatehouse");
        properties.put("gateway.security-headers.frame-options", "SAMEORIGIN");
        properties.put("gateway.security-headers.referrer-policy", "false");
        GatewayTransport other = runtime().start(properties);
        try {
            for (String path : List.of("/v1/health", "/nowhere", "/sh/defaults/a")) {
                ContractResponse response = other.send(ContractRequest.get(path));
                assertEquals("gatehouse", response.header("Server").orElse(null), path + " " + response.headers());
                assertTrue(response.header("X-Powered-By").isEmpty(), path);
                assertEquals(List.of("SAMEORIGIN"), response.headers().get("x-frame-options"), path);
                assertTrue(response.header("Referrer-Policy").isEmpty(), path);
                assertEquals("nosniff", response.header("X-Content-Type-Options").orElse(null), path);
            }
        } finally {
            other.close();
        }
    }

    @Test
    void switchedOff_thenNoneAndTheUpstreamsServerPasses() {
        Map<String, Object> properties = properties();
        properties.put("gateway.security-headers.enabled", false);
        GatewayTransport other = runtime().start(properties);
        try {
            ContractResponse own = other.send(ContractRequest.get("/v1/health"));
            assertTrue(own.header("X-Content-Type-Options").isEmpty(), own.headers().toString());
            ContractResponse proxied = other.send(ContractRequest.get("/sh/defaults/a"));
            assertEquals(NoisyUpstream.SERVER, proxied.header("Server").orElse(null));
            assertEquals(List.of(NoisyUpstream.FRAME_OPTIONS), proxied.headers().get("x-frame-options"));
        } finally {
            other.close();
        }
    }

    @Test
    void valueAHeaderDoesNotTake_thenTheGatewayDoesNotStartAndNamesTheProperty() {
        Map<String, Object> properties = properties();
        properties.put("gateway.security-headers.frame-options", "ALLOW-FROM https://example.com");
        RuntimeException failure = null;
        GatewayTransport other = null;
        try {
            other = runtime().start(properties);
            other.send(ContractRequest.get("/ping"));
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            if (other != null) {
                other.close();
            }
        }
        assertTrue(failure != null, "the gateway started");
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("gateway.security-headers.frame-options must be DENY or SAMEORIGIN"),
            messages.toString());
        assertFalse(messages.isEmpty());
    }
}
