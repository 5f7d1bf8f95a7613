package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import io.gatehouse.testing.TestServices;
import io.gatehouse.testing.TestTokens;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Claims named by dotted paths and {@code claims.match} lists and templates, the same on Netty and
 * both Lambda payloads: {@code gateway.jwt.roles-claim: realm_access.roles} gates a route with a
 * real Keycloak access token (the test realm's {@code gatehouse-gateway} client, password grant)
 * and with hand-built tokens; a nested tenant claim, {@code claims.required}, {@code claims.match}
 * and {@code claims.forward} on nested claims; a claim whose name contains dots is found as it is.
 */
public abstract class ClaimPathContractTest extends ContractTestBase {

    private static final String PRINCIPAL_HEADER = "X-Test-Principal";

    private final String issuer = TestServices.oidcIssuer();
    private final TestUpstream upstream = TestUpstream.start().handle("/echo", exchange -> {
        byte[] body = String.valueOf(exchange.getRequestHeaders().getFirst("X-Client-Roles")).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    });

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.config-file", routesFile().toString());
        properties.put("gateway.jwt.secret", TestTokens.SECRET);
        properties.put("gateway.jwt.jwks-urls", List.of(issuer + "/protocol/openid-connect/certs"));
        properties.put("gateway.jwt.roles-claim", "realm_access.roles");
        properties.put("gateway.jwt.tenant-claims", List.of("organization.id"));
        properties.put("gateway.route-access.principal-header", PRINCIPAL_HEADER);
        return properties;
    }

    @AfterAll
    void stopUpstream() {
        upstream.close();
    }

    /** An access token of the test realm, as a client of the gateway gets one. */
    private String keycloakToken(String user, String password) {
        String form = "grant_type=password&client_id=gatehouse-gateway&client_secret=gatehouse-secret&scope=openid&username="
            + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            java.util.regex.Matcher token = java.util.regex.Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
            assertTrue(token.find(), response.body());
            return token.group(1);
        } catch (IOException e) {
            throw new AssertionError("Keycloak at " + issuer + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String hmac(String subject, Map<String, Object> claims) {
        var builder = TestTokens.claims(subject);
        claims.forEach(builder::claim);
        return TestTokens.hmac(builder.build(), JWSAlgorithm.HS256);
    }

    private ContractResponse get(String path, String token) {
        return send(ContractRequest.get(path).header("Authorization", "Bearer " + token));
    }

    @Test
    void keycloakAccessToken_thenRealmRolesGateTheRoute() {
        String alice = keycloakToken("alice", "alice-password");
        assertAdmitted(get("/kc/orders", alice));
        String bob = keycloakToken("bob", "bob-password");
        ContractResponse refused = get("/kc/orders", bob);
        assertEquals(403, refused.status(), refused.text());
        assertEquals("missing_role", refused.json().get("error").get("details").get("reason").getStringValue());
    }

    @Test
    void keycloakAccessToken_thenNestedClaimsRequiredAndMatched() {
        // Keycloak puts the account client's roles in resource_access.account.roles by default.
        assertAdmitted(get("/kc-account/x", keycloakToken("alice", "alice-password")));
    }

    static Stream<Arguments> handBuilt() {
        return Stream.of(
            Arguments.of("realm role in realm_access.roles", "/kc/x", Map.of("realm_access", Map.of("roles", List.of("gatehouse-user"))), 200),
            Arguments.of("roles as a space-separated string", "/kc/x", Map.of("realm_access", Map.of("roles", "viewer gatehouse-user")), 200),
            Arguments.of("a top-level roles claim is not read", "/kc/x", Map.of("roles", List.of("gatehouse-user")), 403),
            Arguments.of("the role under another client", "/kc/x",
                Map.of("resource_access", Map.of("orders", Map.of("roles", List.of("gatehouse-user")))), 403),
            Arguments.of("client id with dots", "/dotted-client/x",
                Map.of("resource_access", Map.of("orders.api", Map.of("roles", List.of("write")))), 200),
            Arguments.of("client id with dots, other role", "/dotted-client/x",
                Map.of("resource_access", Map.of("orders.api", Map.of("roles", List.of("read")))), 403),
            Arguments.of("a claim named with dots wins over the path", "/dotted-key/x",
                Map.of("https://example.com/plan", "gold", "https://example", Map.of("com/plan", "free")), 200),
            Arguments.of("the path when no key has the name", "/dotted-key/x",
                Map.of("https://example", Map.of("com/plan", "gold")), 200),
            Arguments.of("nested tenant of the route", "/t/acme/x", Map.of("organization", Map.of("id", "acme")), 200),
            Arguments.of("nested tenant of another", "/t/acme/x", Map.of("organization", Map.of("id", "globex")), 403),
            Arguments.of("top-level tenant is not the configured path", "/t/acme/x", Map.of("tenant", "acme"), 403));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handBuilt")
    void handBuiltToken_thenTheNamedPathDecides(String name, String path, Map<String, Object> claims, int expected) {
        ContractResponse response = get(path, hmac("alice", claims));
        if (expected == 200) {
            assertAdmitted(response);
        } else {
            assertEquals(expected, response.status(), name + ": " + response.text());
        }
    }

    static Stream<Arguments> acceptedValues() {
        return Stream.of(
            Arguments.of("a listed service", "acme", "prefect", true),
            Arguments.of("another listed service", "acme", "modal", true),
            Arguments.of("a template in the list, from the path", "acme", "acme-web", true),
            Arguments.of("the template for another project", "acme", "globex-web", false),
            Arguments.of("an unlisted service", "acme", "billing", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedValues")
    void claimsMatchList_thenAnyListedValueOrTemplateAdmits(String name, String project, String service, boolean admitted) {
        ContractResponse response = get("/svc/" + project + "/items", hmac("alice", Map.of("project", project, "service", service)));
        if (admitted) {
            assertAdmitted(response);
        } else {
            assertEquals(403, response.status(), response.text());
            JsonNode details = response.json().get("error").get("details");
            assertEquals("claim_mismatch", details.get("reason").getStringValue());
            assertEquals("service", details.get("claim").getStringValue());
            assertEquals(6, details.get("expected").size(), details.toString());
        }
    }

    @Test
    void nestedClaimForwarded_thenTheUpstreamReceivesIt() {
        String token = hmac("alice", Map.of("resource_access", Map.of("orders.api", Map.of("roles", List.of("write", "read")))));
        ContractResponse response = get("/dotted-client/echo", token);
        assertAdmitted(response);
        assertEquals("write,read", response.text());
    }

    private static void assertAdmitted(ContractResponse response) {
        assertNotEquals(401, response.status(), response.text());
        assertNotEquals(403, response.status(), response.text());
        assertTrue(response.header(PRINCIPAL_HEADER).isPresent(), "admitted by RouteAccessFilter: " + response.text());
    }

    private java.nio.file.Path routesFile() {
        String yaml = """
            upstreams:
              claims:
                targets: ["%s"]
            routes:
              - id: keycloak-realm-role
                match: { path: "/kc/**" }
                upstream: claims
                strip-prefix: true
                authorization: { roles: [gatehouse-user] }
              - id: keycloak-account-roles
                match: { path: "/kc-account/**" }
                upstream: claims
                strip-prefix: true
                claims:
                  required: [realm_access.roles, resource_access.account.roles]
                  match: { resource_access.account.roles: manage-account, azp: gatehouse-gateway }
              - id: dotted-client
                match: { path: "/dotted-client/**" }
                upstream: claims
                strip-prefix: true
                claims:
                  match: { resource_access.orders.api.roles: write }
                  forward: { resource_access.orders.api.roles: X-Client-Roles }
              - id: dotted-key
                match: { path: "/dotted-key/**" }
                upstream: claims
                strip-prefix: true
                claims:
                  match: { "https://example.com/plan": gold }
              - id: nested-tenant
                match: { path: "/t/{tenant}/**" }
                upstream: claims
                strip-prefix: true
                auth: jwt
                tenant: "{tenant}"
              - id: services
                match: { path: "/svc/{project}/**" }
                upstream: claims
                strip-prefix: true
                claims:
                  match:
                    project: "{project}"
                    service: [prefect, api, orchestrator, modal, web, "{project}-web"]
            """.formatted(upstream.url());
        return definitionFile(yaml);
    }
}
