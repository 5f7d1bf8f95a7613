package io.gatehouse.contract;

import io.gatehouse.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CORS per route ({@code cors:}), the same on Netty and both Lambda payloads, against a real
 * loopback upstream ({@link NoisyUpstream}) that sends CORS headers of its own: preflights answered
 * at the gateway (204, the allow headers only for an allowed origin, method and header set; never
 * forwarded), a preflight on a JWT-protected route answered without a credential, actual requests
 * with the origin echoed, credentials, exposed headers and {@code Vary: Origin} merged with the
 * upstream's, the upstream's own {@code Access-Control-*} replaced, and the same headers on the
 * gateway's 401 and on an upstream's 500. A route without {@code cors} leaves preflights and the
 * upstream's headers alone.
 */
public abstract class CorsContractTest extends ContractTestBase {

    private static final String APP = "https://app.example.com";

    private final NoisyUpstream upstream = new NoisyUpstream("/cors", "/plain");

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.config-file", routesFile().toString());
        properties.put("gateway.jwt.secret", TestTokens.SECRET);
        properties.put("gateway.jwt.issuers", List.of(TestTokens.ISSUER));
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
            routes:
              - id: cors-exact
                match: { path: "/cors/exact/**" }
                upstream: noisy
                cors:
                  origins: [https://app.example.com]
                  methods: [GET, POST, PUT]
                  headers: [Authorization, Content-Type]
                  expose-headers: [X-Request-ID, X-Total]
                  credentials: true
                  max-age: 10m
              - id: cors-pattern
                match: { path: "/cors/pattern/**" }
                upstream: noisy
                cors:
                  origins: ["https://*.example.com", "http://localhost:*"]
              - id: cors-any
                match: { path: "/cors/any/**" }
                upstream: noisy
                cors: { origins: ["*"], max-age: 600 }
              - id: cors-jwt
                match: { path: "/cors/jwt/**", methods: [GET, DELETE] }
                upstream: noisy
                auth: jwt
                cors: { origins: [https://app.example.com], credentials: true }
              - id: plain
                match: { path: "/plain/**" }
                upstream: noisy
            """.formatted(upstream.url()));
    }

    /**
     * @param response a response
     * @param name     a header name
     * @return the comma-separated elements of every value of the header, trimmed
     */
    static List<String> tokens(ContractResponse response, String name) {
        List<String> out = new ArrayList<>();
        for (String value : response.headers().getOrDefault(name.toLowerCase(Locale.ROOT), List.of())) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    out.add(token.strip());
                }
            }
        }
        return out;
    }

    private static ContractRequest preflight(String path, String origin, String method, String headers) {
        ContractRequest request = ContractRequest.of("OPTIONS", path).header("Origin", origin)
            .header("Access-Control-Request-Method", method);
        return headers == null ? request : request.header("Access-Control-Request-Headers", headers);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @ParameterizedTest(name = "{0} from {1} asking {2} [{3}] -> allow origin {4}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // path             | origin                      | method | request headers              | allow origin            | credentials | allow methods                        | allow headers                | max age
        "/cors/exact/a      | https://app.example.com     | PUT    | authorization, content-type | https://app.example.com | true        | GET, POST, PUT                       | Authorization, Content-Type | 600",
        "/cors/exact/a      | https://app.example.com     | GET    | -                           | https://app.example.com | true        | GET, POST, PUT                       | -                           | 600",
        "/cors/exact/a      | https://evil.example.com    | PUT    | -                           | -                       | -           | -                                    | -                           | -",
        "/cors/exact/a      | https://app.example.com.evil.test | GET | -                        | -                       | -           | -                                    | -                           | -",
        "/cors/exact/a      | http://app.example.com      | GET    | -                           | -                       | -           | -                                    | -                           | -",
        "/cors/exact/a      | https://app.example.com     | DELETE | -                           | -                       | -           | -                                    | -                           | -",
        "/cors/exact/a      | https://app.example.com     | GET    | x-custom                    | -                       | -           | -                                    | -                           | -",
        "/cors/pattern/a    | https://a.example.com       | POST   | x-anything                  | https://a.example.com   | -           | GET, HEAD, PUT, PATCH, POST, DELETE | x-anything                  | -",
        "/cors/pattern/a    | https://a.b.example.com     | GET    | -                           | https://a.b.example.com | -           | GET, HEAD, PUT, PATCH, POST, DELETE | -                           | -",
        "/cors/pattern/a    | https://example.com         | GET    | -                           | -                       | -           | -                                    | -                           | -",
        "/cors/pattern/a    | https://evilexample.com     | GET    | -                           | -                       | -           | -                                    | -                           | -",
        "/cors/pattern/a    | http://a.example.com        | GET    | -                           | -                       | -           | -                                    | -                           | -",
        "/cors/pattern/a    | http://localhost:5173       | GET    | -                           | http://localhost:5173   | -           | GET, HEAD, PUT, PATCH, POST, DELETE | -                           | -",
        "/cors/pattern/a    | http://localhost            | GET    | -                           | http://localhost        | -           | GET, HEAD, PUT, PATCH, POST, DELETE | -                           | -",
        "/cors/any/a        | https://anyone.test         | PATCH  | x-b, x-a                    | *                       | -           | GET, HEAD, PUT, PATCH, POST, DELETE | x-b, x-a                    | 600",
        "/cors/any/a        | https://anyone.test         | TRACE  | -                           | -                       | -           | -                                    | -                           | -"})
    void preflight_thenAnsweredAtTheGatewayWithTheAllowHeadersOnlyWhenAllowed(String path, String origin, String method,
            String requestHeaders, String allowOrigin, String credentials, String allowMethods, String allowHeaders,
            String maxAge) {
        int before = upstream.requests();
        ContractResponse response = send(preflight(path, origin, method, requestHeaders));
        assertEquals(204, response.status(), response.text());
        assertEquals(0, response.body().length);
        assertEquals(before, upstream.requests(), "a preflight never reaches the upstream");
        assertEquals(Optional.ofNullable(allowOrigin), response.header("Access-Control-Allow-Origin"));
        assertEquals(Optional.ofNullable(credentials), response.header("Access-Control-Allow-Credentials"));
        assertEquals(allowMethods == null ? List.of() : List.of(allowMethods.split(",\\s*")),
            tokens(response, "Access-Control-Allow-Methods"));
        assertEquals(allowHeaders == null ? List.of() : List.of(allowHeaders.split(",\\s*")),
            tokens(response, "Access-Control-Allow-Headers"));
        assertEquals(Optional.ofNullable(maxAge), response.header("Access-Control-Max-Age"));
        assertTrue(tokens(response, "Vary").containsAll(List.of("Origin", "Access-Control-Request-Method",
            "Access-Control-Request-Headers")), response.headers().toString());
        assertTrue(response.header("Access-Control-Expose-Headers").isEmpty(), "not part of a preflight answer");
    }

    @Test
    void preflightOnAJwtRoute_then204WithoutACredentialAndTheUpstreamSawNothing() {
        int before = upstream.requests();
        // DELETE is among the route's match.methods: the preflight takes the route the DELETE would take.
        ContractResponse response = send(preflight("/cors/jwt/items/1", APP, "DELETE", "authorization"));
        assertEquals(204, response.status(), response.text());
        assertEquals(APP, response.header("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("true", response.header("Access-Control-Allow-Credentials").orElseThrow());
        assertEquals(List.of("DELETE", "GET", "HEAD"), tokens(response, "Access-Control-Allow-Methods"));
        assertEquals(List.of("authorization"), tokens(response, "Access-Control-Allow-Headers"));
        assertEquals(before, upstream.requests(), "the upstream saw nothing");
    }

    @Test
    void refusedByAccessOnACorsRoute_then401EnvelopeTheScriptCanRead() {
        int before = upstream.requests();
        ContractResponse response = send(ContractRequest.get("/cors/jwt/items").header("Origin", APP));
        assertEnvelope(response, 401, "unauthorized");
        assertEquals(APP, response.header("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("true", response.header("Access-Control-Allow-Credentials").orElseThrow());
        assertTrue(tokens(response, "Vary").contains("Origin"));
        assertEquals(before, upstream.requests());
    }

    @Test
    void admittedOnAJwtCorsRoute_thenTheUpstreamAnswersWithTheRouteHeaders() {
        String token = TestTokens.hmac(TestTokens.claims("alice").build(), com.nimbusds.jose.JWSAlgorithm.HS256);
        ContractResponse response = send(ContractRequest.get("/cors/jwt/items").header("Origin", APP)
            .header("Authorization", "Bearer " + token));
        assertEquals(200, response.status(), response.text());
        assertEquals(APP, response.header("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("true", response.header("Access-Control-Allow-Credentials").orElseThrow());
    }

    @ParameterizedTest(name = "{0} {1} from {2} -> allow origin {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // method | path            | origin                  | allow origin            | credentials | expose                | vary origin
        "GET      | /cors/exact/a    | https://app.example.com | https://app.example.com | true        | X-Request-ID, X-Total | true",
        "POST     | /cors/exact/a    | https://app.example.com | https://app.example.com | true        | X-Request-ID, X-Total | true",
        "GET      | /cors/exact/fail | https://app.example.com | https://app.example.com | true        | X-Request-ID, X-Total | true",
        "GET      | /cors/exact/a    | https://evil.test       | -                       | -           | -                     | true",
        "GET      | /cors/exact/a    | -                       | -                       | -           | -                     | true",
        "OPTIONS  | /cors/exact/a    | https://app.example.com | https://app.example.com | true        | X-Request-ID, X-Total | true",
        "GET      | /cors/pattern/a  | https://x.example.com   | https://x.example.com   | -           | -                     | true",
        "GET      | /cors/any/a      | https://anyone.test     | *                       | -           | -                     | false",
        "GET      | /cors/any/a      | -                       | *                       | -           | -                     | false"})
    void actualRequest_thenTheRouteHeadersReplaceTheUpstreams(String method, String path, String origin, String allowOrigin,
                                                              String credentials, String expose, boolean varyOrigin) {
        int before = upstream.requests();
        ContractRequest request = ContractRequest.of(method, path);
        if (origin != null) {
            request = request.header("Origin", origin);
        }
        ContractResponse response = send(request);
        assertEquals(path.contains("/fail") ? 500 : 200, response.status(), response.text());
        assertEquals(before + 1, upstream.requests(), "an actual request is forwarded, whatever its origin");
        assertEquals(Optional.ofNullable(allowOrigin), response.header("Access-Control-Allow-Origin"), "the upstream's '*' never shows");
        assertEquals(Optional.ofNullable(credentials), response.header("Access-Control-Allow-Credentials"));
        assertEquals(expose == null ? List.of() : List.of(expose.split(",\\s*")), tokens(response, "Access-Control-Expose-Headers"));
        assertTrue(response.header("Access-Control-Allow-Methods").isEmpty(), "the upstream's own are removed");
        List<String> vary = tokens(response, "Vary");
        assertTrue(vary.contains("Accept-Encoding"), "the upstream's Vary is kept: " + vary);
        assertEquals(varyOrigin, vary.contains("Origin"), vary.toString());
    }

    @Test
    void routeWithoutCors_thenPreflightForwardedAndTheUpstreamsHeadersUntouched() {
        int before = upstream.requests();
        ContractResponse response = send(preflight("/plain/a", APP, "PUT", "x-custom"));
        assertEquals(200, response.status(), response.text());
        assertEquals(before + 1, upstream.requests());
        assertTrue(upstream.received().getLast().startsWith("OPTIONS /plain/a"), upstream.received().getLast());
        assertEquals("*", response.header("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("TRACE", response.header("Access-Control-Allow-Methods").orElseThrow());
        assertFalse(tokens(response, "Vary").contains("Origin"));
    }
}
