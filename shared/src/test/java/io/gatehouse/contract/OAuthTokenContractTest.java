package io.gatehouse.contract;

import io.gatehouse.identity.Secrets;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

import static io.gatehouse.contract.FoundationContractTest.assertEnvelope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /oauth/token} (RFC 6749) with clients registered through
 * {@code /admin/oauth-clients}: the client_credentials and refresh_token grants, RFC 6749 §5.2
 * error bodies, {@code Cache-Control: no-store}, and the legacy password grant only when enabled;
 * the same on Netty and on both Lambda payloads.
 */
public abstract class OAuthTokenContractTest extends IdentityContractSupport {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String USER_PASSWORD = "correct horse battery staple";

    private String clientId;
    private String secret;

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.oauth.password-grant.users.alice", Secrets.pbkdf2(USER_PASSWORD, 1000));
        return properties;
    }

    @BeforeAll
    void registerClient() {
        ContractResponse response = send(adminJson("POST", "/admin/oauth-clients",
            "{\"scopes\":[\"read\",\"write\"],\"project\":\"alpha\",\"service\":\"orders\"}"));
        assertEquals(201, response.status(), response.text());
        assertEquals("no-store", response.header("Cache-Control").orElse(null));
        clientId = response.json().get("client_id").getStringValue();
        secret = response.json().get("client_secret").getStringValue();
    }

    private static ContractRequest form(String body) {
        return ContractRequest.of("POST", "/oauth/token").body(FORM, body);
    }

    private ContractRequest basic(ContractRequest request) {
        return basic(request, clientId, secret);
    }

    private static ContractRequest basic(ContractRequest request, String id, String password) {
        String credentials = Base64.getEncoder().encodeToString((id + ":" + password).getBytes(StandardCharsets.UTF_8));
        return request.header("Authorization", "Basic " + credentials);
    }

    private JsonNode granted(ContractRequest request) {
        ContractResponse response = send(request);
        assertEquals(200, response.status(), response.text());
        assertEquals("no-store", response.header("Cache-Control").orElse(null));
        assertEquals("application/json", response.mediaType());
        return response.json();
    }

    /** Asserts an RFC 6749 §5.2 error body, and that it is not the envelope. */
    private static JsonNode assertOAuthError(ContractResponse response, int status, String error) {
        assertEquals(status, response.status(), response.text());
        assertEquals("no-store", response.header("Cache-Control").orElse(null));
        JsonNode body = response.json();
        assertEquals(error, body.get("error").getStringValue(), response.text());
        assertFalse(body.get("error_description").getStringValue().isBlank());
        return body;
    }

    @Test
    void clientCredentialsWithBasic_thenBearerTokenWithRefreshToken() {
        JsonNode body = granted(basic(form("grant_type=client_credentials")));
        assertEquals("Bearer", body.get("token_type").getStringValue());
        assertEquals(3600, body.get("expires_in").getLongValue());
        assertEquals("read write", body.get("scope").getStringValue());
        assertTrue(body.get("refresh_token").getStringValue().startsWith("ghr_"));
        Map<String, Object> claims = verifiedClaims(body.get("access_token").getStringValue());
        assertEquals(clientId, claims.get("sub"));
        assertEquals(clientId, claims.get("client_id"));
        assertEquals("read write", claims.get("scope"));
        assertEquals("alpha", claims.get("project"));
        assertEquals("orders", claims.get("service"));
    }

    @Test
    void clientCredentialsInForm_thenGranted() {
        JsonNode body = granted(form("grant_type=client_credentials&client_id=" + clientId + "&client_secret=" + secret + "&scope=read"));
        assertEquals("read", body.get("scope").getStringValue());
    }

    @Test
    void refreshToken_thenRotatedAndTheOldOneRefusedWithItsFamily() {
        String first = granted(basic(form("grant_type=client_credentials&scope=read"))).get("refresh_token").getStringValue();
        JsonNode refreshed = granted(basic(form("grant_type=refresh_token&refresh_token=" + first)));
        String second = refreshed.get("refresh_token").getStringValue();
        assertNotEquals(first, second);
        assertEquals("read", refreshed.get("scope").getStringValue());
        verifiedClaims(refreshed.get("access_token").getStringValue());

        assertOAuthError(send(basic(form("grant_type=refresh_token&refresh_token=" + first))), 400, "invalid_grant");
        // Reuse of a used token ends its family: the token that replaced it no longer works either.
        assertOAuthError(send(basic(form("grant_type=refresh_token&refresh_token=" + second))), 400, "invalid_grant");
    }

    @Test
    void refreshWithWiderScope_thenInvalidScope() {
        String refresh = granted(basic(form("grant_type=client_credentials&scope=read"))).get("refresh_token").getStringValue();
        assertOAuthError(send(basic(form("grant_type=refresh_token&scope=write&refresh_token=" + refresh))), 400, "invalid_scope");
    }

    static Stream<Arguments> errors() {
        return Stream.of(
            Arguments.of("unknown scope", "grant_type=client_credentials&scope=admin", true, 400, "invalid_scope"),
            Arguments.of("unsupported grant", "grant_type=authorization_code&code=x", true, 400, "unsupported_grant_type"),
            Arguments.of("password grant not enabled", "grant_type=password&username=alice&password=x", true, 400, "unsupported_grant_type"),
            Arguments.of("no grant_type", "scope=read", true, 400, "invalid_request"),
            Arguments.of("repeated parameter", "grant_type=client_credentials&grant_type=client_credentials", true, 400, "invalid_request"),
            Arguments.of("no refresh_token", "grant_type=refresh_token", true, 400, "invalid_request"),
            Arguments.of("unknown refresh_token", "grant_type=refresh_token&refresh_token=ghr_nope", true, 400, "invalid_grant"),
            Arguments.of("no client authentication", "grant_type=client_credentials", false, 401, "invalid_client"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void badRequest_thenRfc6749Error(String name, String body, boolean authenticate, int status, String error) {
        ContractRequest request = form(body);
        assertOAuthError(send(authenticate ? basic(request) : request), status, error);
    }

    static Stream<Arguments> badClients() {
        return Stream.of(
            Arguments.of("wrong secret", true),
            Arguments.of("unknown client", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badClients")
    void wrongClientCredentials_then401InvalidClientWithChallenge(String name, boolean knownClient) {
        ContractResponse response = send(basic(form("grant_type=client_credentials"), knownClient ? clientId : "client_nobody", "wrong-secret-value"));
        assertOAuthError(response, 401, "invalid_client");
        assertTrue(response.header("WWW-Authenticate").orElse("").startsWith("Basic"), response.headers().toString());
    }

    private static ContractRequest json(String body) {
        return ContractRequest.of("POST", "/oauth/token").body("application/json", body);
    }

    @Test
    void jsonClientCredentials_thenTheSameAnswerAsTheForm() {
        JsonNode body = granted(json("{\"grant_type\":\"client_credentials\",\"client_id\":\"" + clientId + "\",\"client_secret\":\""
            + secret + "\",\"scope\":\"read\"}"));
        assertEquals("Bearer", body.get("token_type").getStringValue());
        assertEquals(3600, body.get("expires_in").getLongValue());
        assertEquals("read", body.get("scope").getStringValue());
        Map<String, Object> claims = verifiedClaims(body.get("access_token").getStringValue());
        assertEquals(clientId, claims.get("client_id"));
        assertEquals("read", claims.get("scope"));

        JsonNode basic = granted(basic(json("{\"grant_type\":\"client_credentials\"}")));
        assertEquals("read write", basic.get("scope").getStringValue());
        JsonNode refreshed = granted(basic(json("{\"grant_type\":\"refresh_token\",\"refresh_token\":\""
            + basic.get("refresh_token").getStringValue() + "\"}")));
        verifiedClaims(refreshed.get("access_token").getStringValue());
    }

    static Stream<Arguments> badJsonBodies() {
        return Stream.of(
            Arguments.of("unknown field", "{\"grant_type\":\"client_credentials\",\"audience\":\"x\"}", "audience"),
            Arguments.of("not a string", "{\"grant_type\":\"client_credentials\",\"scope\":[\"read\"]}", "scope"),
            Arguments.of("not an object", "[\"client_credentials\"]", "JSON object"),
            Arguments.of("not JSON", "grant_type=client_credentials", "not valid JSON"),
            Arguments.of("no grant_type", "{\"scope\":\"read\"}", "grant_type"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJsonBodies")
    void badJsonBody_thenInvalidRequestNamingIt(String name, String body, String named) {
        JsonNode error = assertOAuthError(send(basic(json(body))), 400, "invalid_request");
        assertTrue(error.get("error_description").getStringValue().contains(named), error.toString());
    }

    @Test
    void jsonWithWrongSecret_then401InvalidClient() {
        assertOAuthError(send(json("{\"grant_type\":\"client_credentials\",\"client_id\":\"" + clientId
            + "\",\"client_secret\":\"wrong\"}")), 401, "invalid_client");
    }

    @Test
    void formWithAPercentThatStartsNoEscape_thenInvalidRequestNot500() {
        // Found by LambdaEventFuzzTest: micronaut-aws threw while decoding such a form on Lambda.
        assertOAuthError(send(basic(form("grant_type=client_credentials&client%_id=a"))), 400, "invalid_request");
    }

    @Test
    void otherContentType_thenInvalidRequest() {
        ContractRequest request = ContractRequest.of("POST", "/oauth/token").body("text/plain", "grant_type=client_credentials");
        assertOAuthError(send(basic(request)), 400, "invalid_request");
    }

    @Test
    void wrongMethod_thenTheEnvelope() {
        assertEnvelope(send(ContractRequest.get("/oauth/token")), 405, "method_not_allowed");
    }

    @Test
    void clientAdminWithoutToken_then401Envelope() {
        assertEnvelope(send(ContractRequest.get("/admin/oauth-clients")), 401, "unauthorized");
    }

    @Test
    void listedClients_thenNoSecrets() {
        ContractResponse response = send(admin(ContractRequest.get("/admin/oauth-clients")));
        assertEquals(200, response.status(), response.text());
        assertFalse(response.text().contains(secret));
        assertFalse(response.text().contains("client_secret"));
    }

    @Test
    void passwordGrantEnabled_thenUserAuthenticatedWithPbkdf2() {
        Map<String, Object> properties = properties();
        properties.put("gateway.oauth.password-grant.enabled", true);
        GatewayTransport legacy = runtime().start(properties);
        try {
            ContractResponse registered = legacy.send(adminJson("POST", "/admin/oauth-clients",
                "{\"scopes\":[\"read\"],\"grant_types\":[\"password\",\"refresh_token\"]}"));
            assertEquals(201, registered.status(), registered.text());
            String id = registered.json().get("client_id").getStringValue();
            String password = registered.json().get("client_secret").getStringValue();

            ContractResponse ok = legacy.send(basic(form("grant_type=password&username=alice&password="
                + java.net.URLEncoder.encode(USER_PASSWORD, StandardCharsets.UTF_8)), id, password));
            assertEquals(200, ok.status(), ok.text());
            assertEquals("alice", verifiedClaims(ok.json().get("access_token").getStringValue()).get("sub"));

            assertOAuthError(legacy.send(basic(form("grant_type=password&username=alice&password=wrong"), id, password)), 400, "invalid_grant");
            // The high-throughput spec's JSON token request: every credential in the body.
            ContractResponse json = legacy.send(json("{\"grant_type\":\"password\",\"username\":\"alice\",\"password\":\""
                + USER_PASSWORD + "\",\"client_id\":\"" + id + "\",\"client_secret\":\"" + password + "\",\"scope\":\"read\"}"));
            assertEquals(200, json.status(), json.text());
            assertEquals("alice", verifiedClaims(json.json().get("access_token").getStringValue()).get("sub"));
            assertOAuthError(legacy.send(json("{\"grant_type\":\"password\",\"username\":\"alice\",\"password\":\"wrong\","
                + "\"client_id\":\"" + id + "\",\"client_secret\":\"" + password + "\"}")), 400, "invalid_grant");
            assertOAuthError(legacy.send(basic(form("grant_type=password&username=alice&password=x"))), 400, "unauthorized_client");
        } finally {
            legacy.close();
        }
    }
}
