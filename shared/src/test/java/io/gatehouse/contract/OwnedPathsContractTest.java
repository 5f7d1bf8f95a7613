package io.gatehouse.contract;

import io.gatehouse.testing.EchoUpstream;
import io.micronaut.http.MediaType;
import io.micronaut.http.uri.UriMatchTemplate;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's own paths are never proxied, whatever the method, {@code Content-Type} or
 * {@code Accept}: behind a catch-all route ({@code /**}) to a recording upstream, every path of
 * Micronaut's router (read from the gateway under test through {@link OwnedEndpointsFixture}, so a
 * future endpoint is covered without a change here; a template's variables are filled with
 * {@code sample}) is sent with each method it does not serve, with body types it does not consume
 * and with {@code Accept} types it does not produce, always with the admin token in
 * {@code Authorization}. The upstream must record nothing, and each answer is the gateway's own
 * 405 (with {@code Allow}), 415 or 406 envelope, as Micronaut decides them: a request whose method
 * fits none of the path's endpoints is 405, one whose body type fits none of those left is 415, and
 * one whose {@code Accept} fits none of those left is 406. A request an endpoint does accept
 * (such an endpoint consumes any body type) is answered by that endpoint, not by the upstream.
 */
public abstract class OwnedPathsContractTest extends IdentityContractSupport {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final List<String> BODY_METHODS = List.of("POST", "PUT", "PATCH");
    private static final List<String> CONTENT_TYPES = List.of(MediaType.TEXT_PLAIN, MediaType.APPLICATION_FORM_URLENCODED);
    private static final List<String> ACCEPTS = List.of(MediaType.APPLICATION_XML, MediaType.TEXT_HTML, MediaType.TEXT_PLAIN);

    private final EchoUpstream recorder = EchoUpstream.start("recorder");

    /** One endpoint of the router, as the fixture describes it. */
    private record Endpoint(String template, String method, List<MediaType> consumes, List<MediaType> produces) {

        boolean consumes(String contentType) {
            MediaType type = MediaType.of(contentType);
            return consumes.isEmpty() || consumes.stream().anyMatch(c -> c.equals(MediaType.ALL_TYPE) || c.matches(type));
        }

        boolean produces(String accept) {
            MediaType type = MediaType.of(accept);
            return produces.isEmpty() || produces.stream().anyMatch(p -> p.equals(MediaType.ALL_TYPE) || p.matches(type));
        }
    }

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.upstreams.recorder.targets", List.of(recorder.url()));
        properties.put("gateway.routes[0].id", "everything");
        properties.put("gateway.routes[0].match.path", "/**");
        properties.put("gateway.routes[0].upstream", "recorder");
        properties.put("gateway.routes[0].retries", 0);
        return properties;
    }

    @AfterAll
    void stopRecorder() {
        recorder.close();
    }

    private List<Endpoint> endpoints() {
        ContractResponse response = send(ContractRequest.get("/contract/owned-endpoints"));
        assertEquals(200, response.status(), response.text());
        List<Endpoint> out = new ArrayList<>();
        for (JsonNode node : response.json().values()) {
            out.add(new Endpoint(node.get("template").getStringValue(), node.get("method").getStringValue(),
                types(node.get("consumes")), types(node.get("produces"))));
        }
        return out;
    }

    private static List<MediaType> types(JsonNode list) {
        List<MediaType> out = new ArrayList<>();
        list.values().forEach(v -> out.add(MediaType.of(v.getStringValue())));
        return out;
    }

    /** A template with its variables filled with {@code sample}. */
    private static String sample(String template) {
        return template.replaceAll("\\{[^}]*}", "sample");
    }

    /** The requests for this path that reached the upstream (the catch-all forwards the path unchanged). */
    private List<String> proxied(String path) {
        return recorder.arrivals().stream().filter(a -> a.path().equals(path))
            .map(a -> a.method() + " " + a.path()).toList();
    }

    /**
     * @return the status Micronaut answers a request with: 405, 415, 406, or 0 when an endpoint takes it
     */
    private static int expected(List<Endpoint> atPath, String method, String contentType, String accept) {
        List<Endpoint> byMethod = atPath.stream()
            .filter(e -> e.method().equals(method) || (method.equals("HEAD") && e.method().equals("GET"))).toList();
        if (byMethod.isEmpty()) {
            return 405;
        }
        List<Endpoint> byType = contentType == null ? byMethod : byMethod.stream().filter(e -> e.consumes(contentType)).toList();
        if (byType.isEmpty()) {
            return 415;
        }
        List<Endpoint> byAccept = accept == null ? byType : byType.stream().filter(e -> e.produces(accept)).toList();
        return byAccept.isEmpty() ? 406 : 0;
    }

    @TestFactory
    Stream<DynamicTest> everyOwnedPath_mismatchedMethodOrMediaType_thenAnsweredByTheGatewayAndNeverProxied() {
        List<Endpoint> endpoints = endpoints();
        Set<String> paths = new LinkedHashSet<>();
        endpoints.forEach(e -> paths.add(sample(e.template())));
        assertTrue(paths.contains("/admin/routes") && paths.contains("/v1/tokens") && paths.contains("/v1/health"),
            "the router lists the gateway's endpoints: " + paths);
        List<DynamicTest> tests = new ArrayList<>();
        for (String path : paths) {
            List<Endpoint> atPath = endpoints.stream().filter(e -> UriMatchTemplate.of(e.template()).tryMatch(path) != null).toList();
            for (String method : METHODS) {
                boolean served = atPath.stream().anyMatch(e -> e.method().equals(method));
                if (!served) {
                    for (String contentType : BODY_METHODS.contains(method) ? List.of("", MediaType.TEXT_PLAIN) : List.of("")) {
                        tests.add(check(atPath, method, path, contentType.isEmpty() ? null : contentType, MediaType.APPLICATION_XML));
                    }
                    continue;
                }
                if (BODY_METHODS.contains(method)) {
                    CONTENT_TYPES.forEach(type -> tests.add(check(atPath, method, path, type, null)));
                }
                ACCEPTS.forEach(accept -> tests.add(check(atPath, method, path, null, accept)));
            }
        }
        return tests.stream();
    }

    private DynamicTest check(List<Endpoint> atPath, String method, String path, String contentType, String accept) {
        String name = method + " " + path + (contentType == null ? "" : " Content-Type " + contentType)
            + (accept == null ? "" : " Accept " + accept);
        return DynamicTest.dynamicTest(name, () -> {
            ContractRequest request = admin(ContractRequest.of(method, path));
            if (contentType != null) {
                request = request.body(contentType, contentType.equals(MediaType.APPLICATION_FORM_URLENCODED) ? "a=1" : "plain");
            } else if (BODY_METHODS.contains(method)) {
                request = new ContractRequest(request.method(), request.path(), request.rawQuery(), request.headers(),
                    request.cookies(), "{}".getBytes(StandardCharsets.UTF_8));
            }
            if (accept != null) {
                request = request.header("Accept", accept);
            }
            ContractResponse response = send(request);
            assertEquals(List.of(), proxied(path), name + " reached the upstream");
            assertFalse(response.header("X-Echo-Path").isPresent(), name + " was answered by the upstream");
            int status = expected(atPath, method, contentType, accept);
            if (status == 0) {
                assertTrue(response.status() < 500, name + ": " + response.status() + " " + response.text());
                return;
            }
            JsonNode error = assertEnvelope(response, status, switch (status) {
                case 405 -> "method_not_allowed";
                case 415 -> "unsupported_media_type";
                default -> "not_acceptable";
            });
            if (status == 405) {
                String allow = response.header("Allow").orElse("");
                atPath.forEach(e -> assertTrue(allow.toUpperCase(Locale.ROOT).contains(e.method()), name + ": Allow " + allow));
            }
        });
    }

    @Test
    void catchAllRoute_stillProxiesPathsTheGatewayDoesNotOwn() {
        ContractResponse response = send(ContractRequest.get("/orders/1").header("Authorization", "Bearer a-user-token"));
        assertEquals(200, response.status(), response.text());
        assertEquals("/orders/1", response.header("X-Echo-Path").orElse(null));
        assertEquals(List.of("GET /orders/1"), proxied("/orders/1"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET, /admin/routes/x/y/z", "POST, /admin/reload/extra", "GET, /orders/1", "DELETE, /v1/tokens/a/b"})
    void adminTokenOnARoutedPath_thenRefusedAndNeverForwarded(String method, String path) {
        ContractResponse response = send(admin(ContractRequest.of(method, path)));
        assertEnvelope(response, 403, "forbidden");
        assertEquals("admin_token_not_forwarded", response.json().get("error").get("details").get("reason").getStringValue());
        assertFalse(response.text().contains(ADMIN), "the token is not echoed");
        assertEquals(List.of(), proxied(path), "the admin token reached the upstream");
    }
}
