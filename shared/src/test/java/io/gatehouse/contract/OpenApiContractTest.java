package io.gatehouse.contract;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.gatehouse.contract.OpenApiDocument.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document as Swagger UI uses it, the same on Netty and both Lambda payloads: the
 * document served is the committed snapshot (with the API key header and session cookie this
 * gateway is configured with), the Swagger UI page loads it and its assets, every operation that
 * lists a security requirement refuses a request without credential (sent with its documented
 * examples, as "Try it out" sends them) and takes the admin token where it lists it, and the
 * OAuth2 and session-cookie schemes work as declared: a token from the scheme's {@code tokenUrl}
 * is accepted on an admin operation that lists {@code oauth2} when its claims make a tenant
 * administrator, and the cookie the document names is the session. Over the real PostgreSQL.
 */
public abstract class OpenApiContractTest extends IdentityContractSupport {

    private static final String API_KEY_HEADER = "X-Gateway-Key";
    private static final String SESSION_COOKIE = "gw_session";
    /** The role a tenant administrator's token carries here, in its {@code scope} claim. */
    private static final String ADMIN_SCOPE = "gatehouse:admin";

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.api-keys.header", API_KEY_HEADER);
        properties.put("gateway.session.cookie-name", SESSION_COOKIE);
        properties.put("gateway.session.secret", SessionContractTest.SESSION_SECRET);
        // An OAuth2 client's scopes as roles, so that a client of a tenant granted ADMIN_SCOPE administers it.
        properties.put("gateway.jwt.roles-claim", "scope");
        properties.put("gateway.admin.roles", ADMIN_SCOPE);
        return properties;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/openapi.json", "/openapi.json"})
    void servedDocument_thenTheSnapshotNamingTheConfiguredHeaderAndCookie(String path) {
        ContractResponse response = send(ContractRequest.get(path));
        assertEquals(200, response.status());
        assertEquals("application/json", response.mediaType());
        Map<String, Object> expected = OpenApiDocument.snapshot().tree();
        Map<String, Object> schemes = map(map(expected.get("components")).get("securitySchemes"));
        map(schemes.get("apiKey")).put("name", API_KEY_HEADER);
        map(schemes.get("sessionCookie")).put("name", SESSION_COOKIE);
        List<String> differences = OpenApiDocument.differences(expected, OpenApiDocument.parse(response.text()));
        assertTrue(differences.isEmpty(), () -> "the served document is not " + OpenApiDocument.SNAPSHOT + " with the configured names: "
            + differences + "\n" + OpenApiDocument.UPDATE_HINT);
    }

    @Test
    void swaggerUi_thenPageLoadsTheDocumentAndEveryAsset() {
        ContractResponse page = send(ContractRequest.get("/v1/docs"));
        assertEquals(200, page.status());
        assertEquals("text/html", page.mediaType());
        Matcher url = Pattern.compile("url: \"([^\"]+)\"").matcher(page.text());
        assertTrue(url.find(), "the page names the document it loads: " + page.text());
        ContractResponse document = send(ContractRequest.get(url.group(1)));
        assertEquals(200, document.status());
        assertEquals("application/json", document.mediaType());
        assertTrue(document.json().get("openapi").getStringValue().startsWith("3."));
        assertFalse(document.json().get("components").get("securitySchemes").isNull());

        Matcher asset = Pattern.compile("(?:href|src)=\"([^\"]+)\"").matcher(page.text());
        Map<String, String> types = Map.of("css", "text/css", "js", "text/javascript", "png", "image/png");
        int assets = 0;
        while (asset.find()) {
            String path = asset.group(1);
            ContractResponse loaded = send(ContractRequest.get(path));
            assertEquals(200, loaded.status(), path);
            assertEquals(types.get(path.substring(path.lastIndexOf('.') + 1)), loaded.mediaType(), path);
            assertTrue(loaded.body().length > 0, path);
            assets++;
        }
        assertEquals(4, assets, "the stylesheet, both scripts and the icon");
    }

    @Test
    void everyOperationWithARequirement_thenRefusedWithoutCredentialAndAdmittedWithTheAdminToken() {
        OpenApiDocument document = new OpenApiDocument(OpenApiDocument.parse(send(ContractRequest.get("/v1/openapi.json")).text()));
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (OpenApiDocument.Operation operation : document.operations()) {
            if (OpenApiDocument.PUBLIC.contains(operation.key())) {
                continue;
            }
            ContractResponse anonymous = send(tryItOut(document, operation));
            if (OpenApiDocument.OPTIONAL_CREDENTIAL.contains(operation.key())) {
                if (anonymous.status() >= 400) {
                    failures.add(operation.key() + " takes an optional credential, yet refused a request without one: " + anonymous.status());
                }
            } else if (anonymous.status() != 401 || !anonymous.text().contains("\"code\":\"unauthorized\"")) {
                failures.add(operation.key() + " lists a requirement, yet answered a request without credential " + anonymous.status()
                    + " " + anonymous.text());
            }
            List<?> security = (List<?>) operation.operation().getOrDefault("security", List.of());
            if (security.stream().anyMatch(requirement -> map(requirement).containsKey("adminToken"))) {
                ContractResponse admitted = send(admin(tryItOut(document, operation)));
                if (admitted.status() == 401 || admitted.status() == 403) {
                    failures.add(operation.key() + " lists adminToken, yet refused it: " + admitted.status() + " " + admitted.text());
                }
            }
            checked++;
        }
        assertTrue(checked > 30, "operations checked: " + checked);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void oauth2Scheme_thenItsTokenUrlIssuesATokenThatAdministersItsTenant() {
        Map<String, Object> document = OpenApiDocument.parse(send(ContractRequest.get("/v1/openapi.json")).text());
        Map<String, Object> flow = map(map(map(map(map(map(document.get("components")).get("securitySchemes")).get("oauth2"))
            .get("flows")).get("clientCredentials")));
        String clientId = "swagger-ui-" + UUID.randomUUID().toString().substring(0, 8);
        ContractResponse registered = send(adminJson("POST", "/admin/oauth-clients",
            "{\"client_id\":\"" + clientId + "\",\"scopes\":[\"" + ADMIN_SCOPE + "\"],\"tenant\":\"acme\"}"));
        assertEquals(201, registered.status(), registered.text());
        String secret = registered.json().get("client_secret").getStringValue();

        // What Swagger UI's "Authorize" sends for client credentials: the client in HTTP Basic, a form body.
        ContractResponse token = send(ContractRequest.of("POST", (String) flow.get("tokenUrl"))
            .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)))
            .body("application/x-www-form-urlencoded", "grant_type=client_credentials&scope=" + ADMIN_SCOPE.replace(":", "%3A")));
        assertEquals(200, token.status(), token.text());
        assertEquals("Bearer", token.json().get("token_type").getStringValue());
        String bearer = "Bearer " + token.json().get("access_token").getStringValue();

        ContractResponse consumers = send(ContractRequest.get("/admin/consumers").header("Authorization", bearer));
        assertEquals(200, consumers.status(), "GET /admin/consumers lists oauth2: " + consumers.text());
        ContractResponse global = send(ContractRequest.of("POST", "/admin/reload").header("Authorization", bearer));
        assertEquals("global_admin_required", assertEnvelope(global, 403, "forbidden").get("details").get("reason").getStringValue(),
            "POST /admin/reload lists adminToken only");
    }

    @Test
    void sessionAndApiKeySchemes_thenNameWhatTheGatewayReads() {
        Map<String, Object> schemes = map(map(OpenApiDocument.parse(send(ContractRequest.get("/v1/openapi.json")).text())
            .get("components")).get("securitySchemes"));
        String cookie = (String) map(schemes.get("sessionCookie")).get("name");
        ContractResponse session = send(ContractRequest.get("/v1/auth/session")
            .cookie(cookie + "=" + SessionContractTest.session("s-openapi", "u_alice", List.of())));
        assertEquals(200, session.status(), session.text());
        assertEquals("u_alice", session.json().get("user_id").getStringValue());

        String consumer = "openapi-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(201, send(adminJson("POST", "/admin/consumers", "{\"name\":\"" + consumer + "\"}")).status());
        ContractResponse key = send(admin(ContractRequest.of("POST", "/admin/consumers/" + consumer + "/keys")));
        assertEquals(201, key.status(), key.text());
        assertEquals(map(schemes.get("apiKey")).get("name"), key.json().get("header").getStringValue(),
            "the header a new key is to be sent in is the one the document names");
    }

    /**
     * The request Swagger UI's "Try it out" sends for an operation left as documented: each path
     * parameter's example, and the first example of a JSON body.
     */
    private static ContractRequest tryItOut(OpenApiDocument document, OpenApiDocument.Operation operation) {
        String path = operation.path();
        for (Object parameter : (List<?>) operation.operation().getOrDefault("parameters", List.of())) {
            Map<String, Object> p = map(document.resolve(parameter));
            if ("path".equals(p.get("in"))) {
                path = path.replace("{" + p.get("name") + "}", String.valueOf(p.get("example")));
            }
        }
        ContractRequest request = ContractRequest.of(operation.method(), path);
        Object body = operation.operation().get("requestBody");
        if (body != null) {
            Map<String, Object> json = map(map(map(document.resolve(body)).get("content")).get("application/json"));
            Object example = json.containsKey("example") ? json.get("example")
                : map(document.resolve(map(json.get("examples")).values().iterator().next())).get("value");
            request = request.body("application/json", OpenApiDocument.json(example));
        }
        return request;
    }
}
