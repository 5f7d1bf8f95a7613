package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.TestTokens;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route's {@code transforms}, the same on Netty (the streaming engine, and the buffered engine
 * for a route whose body schema needs the body) and both Lambda payloads, against a real
 * {@link EchoUpstream} on loopback that describes the request it received: request headers
 * removed, renamed, set (replacing a client's forged value) and added, with values from claims
 * (nested too), path variables and the request id; a claim the caller lacks leaves its header out;
 * query parameters removed, renamed, set and added; response headers removed, renamed, set and
 * added on the upstream's response and on the gateway's own refusals.
 */
public abstract class TransformContractTest extends ContractTestBase {

    private final EchoUpstream upstream = EchoUpstream.start("transformed").handle("/headers", exchange -> {
        try (exchange) {
            exchange.getResponseHeaders().add("X-Internal", "secret");
            exchange.getResponseHeaders().add("X-Old", "v1");
            exchange.getResponseHeaders().add("Cache-Control", "max-age=60");
            exchange.getResponseHeaders().add("X-Kept", "yes");
            byte[] body = "headers".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    });

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.config-file", definitionFile(routes()).toString());
        properties.put("gateway.jwt.secret", TestTokens.SECRET);
        properties.put("gateway.jwt.issuers", List.of(TestTokens.ISSUER));
        return properties;
    }

    @AfterAll
    void stopUpstream() {
        upstream.close();
    }

    @Test
    void requestHeaders_thenTheUpstreamReceivesTheEdits() {
        ContractResponse response = send(ContractRequest.get("/t/42/items")
            .header("Authorization", "Bearer " + token())
            .header("X-Debug", "1")
            .header("X-Client-Trace", "trace-7")
            .header("X-User", "forged")
            .header("X-Tag", "client"));
        JsonNode echo = echoed(response);
        assertEquals(List.of(), headers(echo, "x-debug"), "removed");
        assertEquals(List.of(), headers(echo, "x-client-trace"), "renamed away");
        assertEquals(List.of("trace-7"), headers(echo, "x-trace"), "renamed to");
        assertEquals(List.of("alice"), headers(echo, "x-user"), "set from a claim, the client's value replaced");
        assertEquals(List.of("order-42"), headers(echo, "x-order"), "a path variable");
        assertEquals(List.of("acme"), headers(echo, "x-org"), "a dotted claim path");
        assertEquals(List.of(response.header("X-Request-ID").orElseThrow()), headers(echo, "x-request-ref"), "the request id");
        assertEquals(List.of(), headers(echo, "x-missing"), "a claim the caller lacks leaves the header out");
        assertEquals(List.of("client", "a", "b"), headers(echo, "x-tag"), "added beside the client's value");
    }

    @Test
    void query_thenTheUpstreamReceivesTheEdits() {
        JsonNode echo = echoed(send(ContractRequest.get("/t/42/items?debug=1&q=shoes&version=1&keep=x")
            .header("Authorization", "Bearer " + token())));
        assertEquals("query=shoes&keep=x&version=2&tenant=alice", echo.get("query").getStringValue());
    }

    @Test
    void queryWithOnlyRemovedParameters_thenNoQueryAtAll() {
        JsonNode echo = echoed(send(ContractRequest.get("/r/echo?debug=1")));
        assertEquals("", echo.get("query").getStringValue());
        assertEquals("/echo", echo.get("path").getStringValue());
    }

    @Test
    void anonymousCaller_thenClaimTemplatesLeaveTheirHeaderOut() {
        JsonNode echo = echoed(send(ContractRequest.get("/r/echo")));
        assertEquals(List.of(), headers(echo, "x-caller"));
        assertEquals(List.of("open"), headers(echo, "x-route"));
    }

    @Test
    void responseHeaders_thenTheClientReceivesTheEdits() {
        ContractResponse response = send(ContractRequest.get("/r/headers"));
        assertEquals(200, response.status(), response.text());
        assertTrue(response.header("X-Internal").isEmpty(), "removed: " + response.headers());
        assertTrue(response.header("X-Old").isEmpty(), "renamed away: " + response.headers());
        assertEquals("v1", response.header("X-New").orElse(null));
        assertEquals("no-store", response.header("Cache-Control").orElse(null), "set, the upstream's value replaced");
        assertEquals("r-" + response.header("X-Request-ID").orElseThrow(), response.header("X-Served-For").orElse(null));
        assertEquals(List.of("one", "two"), split(response.headers().get("x-extra")));
        assertEquals("yes", response.header("X-Kept").orElse(null));
    }

    @Test
    void gatewayRefusal_thenResponseTransformsApplyToIt() {
        ContractResponse response = send(ContractRequest.get("/t/42/items"));
        assertEnvelope(response, 401, "unauthorized");
        assertEquals("t-req", response.header("X-Route-Name").orElse(null));
    }

    @Test
    void bufferedEngine_thenTheSameEditsReachTheUpstreamOnce() {
        ContractResponse response = send(ContractRequest.of("POST", "/b/7").header("X-Tag", "client").header("X-Old", "o")
            .body("application/json", "{\"n\":1}"));
        JsonNode echo = echoed(response);
        assertEquals(List.of("client", "added"), headers(echo, "x-tag"), "an added value arrives once");
        assertEquals(List.of("o"), headers(echo, "x-new"));
        assertEquals(List.of(), headers(echo, "x-old"));
        assertEquals(List.of("7"), headers(echo, "x-id"));
        assertEquals("{\"n\":1}", echo.get("body").getStringValue());
        assertEquals("id=7", echo.get("query").getStringValue());
    }

    private static JsonNode echoed(ContractResponse response) {
        assertEquals(200, response.status(), response.text());
        JsonNode echo = response.json();
        assertNotNull(echo.get("headers"), response.text());
        return echo;
    }

    /** A header's values as the upstream received them (a value with commas split, whatever the engine joined). */
    private static List<String> headers(JsonNode echo, String name) {
        JsonNode values = echo.get("headers").get(name);
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (int i = 0; i < values.size(); i++) {
                out.add(values.get(i).getStringValue());
            }
        }
        return split(out);
    }

    private static List<String> split(List<String> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                for (String part : value.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            }
        }
        assertFalse(out.contains(""), out.toString());
        return out;
    }

    private static String token() {
        return TestTokens.hmac(TestTokens.claims("alice").claim("org", Map.of("name", "acme")).build(), JWSAlgorithm.HS256);
    }

    private String routes() {
        return """
            upstreams:
              transformed:
                targets: ["%s"]
            routes:
              - id: t-req
                match: { path: "/t/{id}/**" }
                upstream: transformed
                auth: jwt
                transforms:
                  request:
                    headers:
                      remove: [X-Debug]
                      rename: { X-Client-Trace: X-Trace }
                      set:
                        X-User: "{claim.sub}"
                        X-Order: "order-{path.id}"
                        X-Org: "{claim.org.name}"
                        X-Request-Ref: "{request_id}"
                        X-Missing: "{claim.department}"
                      add: { X-Tag: [a, b] }
                    query:
                      remove: [debug]
                      rename: { q: query }
                      set: { version: "2" }
                      add: { tenant: "{claim.sub}" }
                  response:
                    headers:
                      set: { X-Route-Name: t-req }
              - id: r
                match: { path: "/r/**" }
                upstream: transformed
                rewrite: "/{**}"
                transforms:
                  request:
                    headers:
                      set: { X-Caller: "{claim.sub}", X-Route: open }
                    query:
                      remove: [debug]
                  response:
                    headers:
                      remove: [X-Internal]
                      rename: { X-Old: X-New }
                      set: { Cache-Control: no-store, X-Served-For: "r-{request_id}" }
                      add: { X-Extra: [one, two] }
              - id: buffered
                match: { path: "/b/{id}" }
                upstream: transformed
                validate:
                  body: { type: object }
                transforms:
                  request:
                    headers:
                      rename: { X-Old: X-New }
                      set: { X-Id: "{path.id}" }
                      add: { X-Tag: added }
                    query:
                      add: { id: "{path.id}" }
            """.formatted(upstream.url());
    }
}
