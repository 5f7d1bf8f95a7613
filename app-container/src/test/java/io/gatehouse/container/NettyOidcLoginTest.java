package io.gatehouse.container;

import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.security.session.SessionTokens;
import io.gatehouse.testing.Await;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.TestRoutes;
import io.gatehouse.testing.OidcBrowser;
import io.gatehouse.testing.TestSchema;
import io.gatehouse.testing.TestServices;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OIDC login end to end, on the container (Netty and its streaming proxy), against the test
 * run's real Keycloak (realm {@code gatehouse}, client {@code gatehouse-sso} with PKCE S256
 * required) over real HTTP: the browser is {@link OidcBrowser}, which fills in Keycloak's login
 * form. Two gateways share one PostgreSQL schema and the Redis of the run, as two instances would.
 *
 * <p>Covers: the authorization request (code, PKCE S256, state, nonce), the cookies' attributes,
 * the just-in-time user row, {@code auth: session} routes proxied to a real upstream with claims
 * and role rules, logout refused by both instances, tampered state, login state, nonce and
 * session, provider errors, open redirects, and SSO providers added and removed at run time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NettyOidcLoginTest {

    private static final String ADMIN = "oidc-admin-token-5a1c";
    private static final String SESSION_SECRET = "oidc-test-session-secret-0123456789abcdef";
    private static final String CLIENT_ID = "gatehouse-sso";
    private static final String CLIENT_SECRET = "gatehouse-sso-secret";
    private static final JsonMapper JSON = JsonMapper.createDefault();

    private final String issuer = TestServices.oidcIssuer();
    private final TestSchema schema = TestSchema.create("oidc");
    private final EchoUpstream upstream = EchoUpstream.start("app");
    private final OidcBrowser browser = new OidcBrowser(issuer);
    private EmbeddedServer first;
    private EmbeddedServer second;

    @BeforeAll
    void startGateways() {
        first = start(Map.of("gateway.dashboard.roles", List.of("gatehouse-user")));
        second = start(Map.of());
    }

    private EmbeddedServer start(Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(schema.properties());
        p.putAll(extra);
        p.put("micronaut.server.port", -1);
        p.put("micronaut.server.host", "127.0.0.1");
        p.put("gateway.admin.token", ADMIN);
        p.put("gateway.session.secret", SESSION_SECRET);
        p.put("gateway.jwt.tenant-claims", List.of("tenant"));
        p.put("gateway.sso.providers.keycloak.issuer", issuer);
        p.put("gateway.sso.providers.keycloak.client-id", CLIENT_ID);
        p.put("gateway.sso.providers.keycloak.client-secret", CLIENT_SECRET);
        p.put("gateway.sso.providers.keycloak.roles-claim", "realm_access.roles");
        p.put("gateway.upstreams.app.targets", List.of(upstream.url()));
        TestRoutes.put(p, 0, "app", "/app/**", "app", Map.of("auth", "session", "claims.forward.email", "X-User-Email"));
        TestRoutes.put(p, 1, "members", "/members/**", "app", Map.of("auth", "session", "authorization.roles", List.of("gatehouse-user")));
        TestRoutes.put(p, 2, "ops", "/ops/**", "app", Map.of("auth", "session", "authorization.roles", List.of("ops")));
        TestRoutes.put(p, 3, "any", "/any/**", "app", Map.of("auth", "any"));
        return ApplicationContext.run(EmbeddedServer.class, p, GatehouseContainer.ENVIRONMENT);
    }

    @AfterAll
    void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        browser.close();
        upstream.close();
        schema.close();
    }

    @Test
    void login_thenAuthorizationCodeRequestWithPkceStateAndNonce() {
        HttpResponse<String> login = browser.get(uri(first, "/v1/auth/login/keycloak?redirect=/app/home"));
        assertEquals(302, login.statusCode(), login.body());
        String location = login.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(issuer + "/protocol/openid-connect/auth?"), location);
        Map<String, String> query = query(URI.create(location));
        assertEquals("code", query.get("response_type"));
        assertEquals(CLIENT_ID, query.get("client_id"));
        assertEquals("S256", query.get("code_challenge_method"));
        assertEquals(43, query.get("code_challenge").length(), "base64url of a SHA-256");
        assertTrue(query.get("state").length() >= 43 && query.get("nonce").length() >= 43);
        assertEquals("http://127.0.0.1:" + first.getPort() + "/v1/auth/callback/keycloak", query.get("redirect_uri"));
        assertEquals("openid profile email", query.get("scope"));
        String loginCookie = OidcBrowser.loginSetCookie(login);
        assertCookieAttributes(loginCookie);
        assertEquals("no-store", login.headers().firstValue("Cache-Control").orElse(null));
    }

    @Test
    void login_thenSecureSessionCookieAndRedirectToTheAskedPath() {
        HttpResponse<String> callback = login(first, "keycloak", "alice", "alice-password", "/app/home?tab=1");
        assertEquals(302, callback.statusCode(), callback.body());
        assertEquals("/app/home?tab=1", callback.headers().firstValue("Location").orElseThrow());
        String session = OidcBrowser.setCookie(callback, "gatehouse_session");
        assertCookieAttributes(session);
        assertTrue(session.contains("Path=/"), session);
        assertTrue(session.contains("Max-Age=28800"), session);
        String cleared = OidcBrowser.loginSetCookie(callback);
        assertTrue(cleared.contains("Max-Age=0"), "the login cookie is removed: " + cleared);
    }

    @Test
    void firstAndLaterLogins_thenOneUserRowInPostgres() throws SQLException {
        HttpResponse<String> one = login(first, "keycloak", "alice", "alice-password", "/");
        HttpResponse<String> two = login(second, "keycloak", "alice", "alice-password", "/");
        JsonNode sessionOne = session(first, cookie(one));
        JsonNode sessionTwo = session(second, cookie(two));
        String userId = sessionOne.get("user_id").getStringValue();
        assertEquals(userId, sessionTwo.get("user_id").getStringValue(), "the same user on both instances");
        try (Connection connection = DriverManager.getConnection(schema.url(), "postgres", "");
             PreparedStatement statement = connection.prepareStatement(
                 "SELECT id, subject, email, name, tenant, first_login_at, last_login_at FROM gh_users WHERE provider = 'keycloak' AND email = ?")) {
            statement.setString(1, "alice@example.com");
            try (ResultSet rows = statement.executeQuery()) {
                assertTrue(rows.next(), "alice was provisioned");
                assertEquals(userId, rows.getString("id"));
                assertEquals(sessionOne.get("subject").getStringValue(), rows.getString("subject"));
                assertEquals("Alice Example", rows.getString("name"));
                assertEquals("acme", rows.getString("tenant"), "from the ID token's tenant claim (gateway.jwt.tenant-claims)");
                assertTrue(rows.getLong("last_login_at") >= rows.getLong("first_login_at"));
                assertFalse(rows.next(), "one row per provider and subject");
            }
        }
    }

    @Test
    void sessionEndpoint_thenTheUserWithRolesAndTenant() {
        JsonNode session = session(first, cookie(login(first, "keycloak", "alice", "alice-password", "/")));
        assertTrue(session.get("user_id").getStringValue().startsWith("u_"));
        assertEquals("keycloak", session.get("provider").getStringValue());
        assertEquals("alice@example.com", session.get("email").getStringValue());
        assertEquals("acme", session.get("tenant").getStringValue());
        assertTrue(strings(session.get("roles")).contains("gatehouse-user"), session.toString());
        HttpResponse<String> none = browser.get(uri(first, "/v1/auth/session"));
        assertEquals(401, none.statusCode());
        assertEquals("unauthorized", json(none).get("error").get("code").getStringValue());
    }

    @Test
    void sessionRoute_withCookie_thenProxiedWithClaims_withoutCookie_then401Envelope() {
        String cookie = cookie(login(first, "keycloak", "alice", "alice-password", "/"));
        HttpResponse<String> admitted = browser.get(uri(first, "/app/orders"), "Cookie", cookie);
        assertEquals(200, admitted.statusCode(), admitted.body());
        JsonNode echoed = json(admitted);
        assertEquals("/app/orders", echoed.get("path").getStringValue());
        assertEquals("alice@example.com", echoed.get("headers").get("x-user-email").get(0).getStringValue());

        HttpResponse<String> refused = browser.get(uri(first, "/app/orders"));
        assertEquals(401, refused.statusCode(), refused.body());
        JsonNode error = json(refused).get("error");
        assertEquals("unauthorized", error.get("code").getStringValue());
        assertEquals("missing_credentials", error.get("details").get("reason").getStringValue());
        assertTrue(refused.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Cookie realm=\"gatehouse\""));
        assertEquals(200, browser.get(uri(first, "/any/x"), "Cookie", cookie).statusCode(), "auth: any includes sessions");
    }

    @Test
    void roleRules_thenAppliedToSessionPrincipals() {
        String alice = cookie(login(first, "keycloak", "alice", "alice-password", "/"));
        String bob = cookie(login(first, "keycloak", "bob", "bob-password", "/"));
        assertEquals(200, browser.get(uri(first, "/members/x"), "Cookie", alice).statusCode());
        HttpResponse<String> aliceOps = browser.get(uri(first, "/ops/x"), "Cookie", alice);
        assertEquals(403, aliceOps.statusCode());
        assertEquals("missing_role", json(aliceOps).get("error").get("details").get("reason").getStringValue());
        assertEquals(403, browser.get(uri(first, "/members/x"), "Cookie", bob).statusCode(), "bob lacks gatehouse-user");
    }

    @Test
    void logout_thenSessionRefusedByThisAndTheOtherInstance() {
        String cookie = cookie(login(first, "keycloak", "alice", "alice-password", "/"));
        assertEquals(200, browser.get(uri(second, "/app/x"), "Cookie", cookie).statusCode(), "any instance admits the session");

        HttpResponse<String> logout = browser.post(uri(first, "/v1/auth/logout"), Map.of(), "Cookie", cookie);
        assertEquals(200, logout.statusCode(), logout.body());
        assertTrue(json(logout).get("logged_out").getBooleanValue());
        assertTrue(json(logout).get("end_session_url").getStringValue().startsWith(issuer + "/protocol/openid-connect/logout?"));
        assertTrue(OidcBrowser.setCookie(logout, "gatehouse_session").contains("Max-Age=0"));

        HttpResponse<String> here = browser.get(uri(first, "/app/x"), "Cookie", cookie);
        assertEquals(401, here.statusCode());
        assertEquals("revoked", json(here).get("error").get("details").get("reason").getStringValue());
        long millis = Await.millisUntil(() -> browser.get(uri(second, "/app/x"), "Cookie", cookie).statusCode() == 401, 1000);
        assertTrue(millis >= 0, "the other instance refuses the session within 1 s");
    }

    @Test
    void dashboard_signedInWithADashboardRole_thenLive_withoutTheRole_orLoggedOut_thenRefused() throws Exception {
        String alice = cookie(login(first, "keycloak", "alice", "alice-password", "/dashboard"));
        String bob = cookie(login(first, "keycloak", "bob", "bob-password", "/dashboard"));
        HttpResponse<java.util.stream.Stream<String>> live = dashboard(first, alice);
        assertEquals(200, live.statusCode());
        try (java.util.stream.Stream<String> lines = live.body()) {
            String data = lines.filter(line -> line.startsWith("data:")).findFirst().orElseThrow();
            assertTrue(data.contains("\"routes\"") && data.contains("\"members\""), "the whole state at once: " + data);
        }
        assertRefused(dashboard(first, bob), "bob's session holds no role of gateway.dashboard.roles");
        assertRefused(dashboard(second, alice), "an instance without gateway.dashboard.roles asks for the admin token");
        assertEquals(200, browser.post(uri(first, "/v1/auth/logout"), Map.of(), "Cookie", alice).statusCode());
        assertRefused(dashboard(first, alice), "a session ended is refused on the next connection");
    }

    private static HttpResponse<java.util.stream.Stream<String>> dashboard(EmbeddedServer gateway, String cookie) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri(gateway, "/dashboard/events"))
                .header("Cookie", cookie).timeout(java.time.Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofLines());
    }

    private static void assertRefused(HttpResponse<java.util.stream.Stream<String>> response, String why) {
        try (java.util.stream.Stream<String> lines = response.body()) {
            String body = String.join("\n", lines.toList());
            assertEquals(401, response.statusCode(), why + ": " + body);
            assertTrue(body.contains("\"unauthorized\""), body);
        }
    }

    @Test
    void logoutLink_thenRedirectedToTheSafePath() {
        String cookie = cookie(login(first, "keycloak", "alice", "alice-password", "/"));
        HttpResponse<String> logout = browser.get(uri(first, "/v1/auth/logout?redirect=//evil.example"), "Cookie", cookie);
        assertEquals(302, logout.statusCode());
        assertEquals("/", logout.headers().firstValue("Location").orElseThrow());
        assertEquals(401, browser.get(uri(first, "/app/x"), "Cookie", cookie).statusCode());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"})
    void openRedirectAttempt_thenSentToSlash(String redirect) {
        HttpResponse<String> callback = login(first, "keycloak", "alice", "alice-password", redirect);
        assertEquals(302, callback.statusCode(), callback.body());
        assertEquals("/", callback.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void tamperedSessionCookie_then401() {
        String cookie = cookie(login(first, "keycloak", "alice", "alice-password", "/"));
        String tampered = cookie.substring(0, cookie.length() - 3) + (cookie.endsWith("AAA") ? "BBB" : "AAA");
        HttpResponse<String> refused = browser.get(uri(first, "/app/x"), "Cookie", tampered);
        assertEquals(401, refused.statusCode());
        assertEquals("bad_signature", json(refused).get("error").get("details").get("reason").getStringValue());
    }

    @Test
    void tamperedOrMissingLoginState_then400() {
        HttpResponse<String> login = browser.get(uri(first, "/v1/auth/login/keycloak"));
        String loginCookie = OidcBrowser.pair(OidcBrowser.loginSetCookie(login));
        URI callback = browser.signIn(URI.create(login.headers().firstValue("Location").orElseThrow()), "alice", "alice-password");
        Map<String, String> query = query(callback);
        URI wrongState = uri(first, "/v1/auth/callback/keycloak?code=" + enc(query.get("code")) + "&state=forged");

        assertReason(browser.get(wrongState, "Cookie", loginCookie), 400, "state_mismatch");
        assertReason(browser.get(callback), 400, "missing_login_state");
        String tampered = loginCookie.substring(0, loginCookie.length() - 3) + (loginCookie.endsWith("AAA") ? "BBB" : "AAA");
        assertReason(browser.get(callback, "Cookie", tampered), 400, "invalid_login_state");
        URI otherProvider = uri(first, "/v1/auth/callback/other?code=x&state=" + enc(query.get("state")));
        assertReason(browser.get(otherProvider, "Cookie", loginCookie), 400, "provider_mismatch");
    }

    @Test
    void nonceNotOfThisLogin_then401() {
        HttpResponse<String> login = browser.get(uri(first, "/v1/auth/login/keycloak"));
        String loginCookie = OidcBrowser.pair(OidcBrowser.loginSetCookie(login));
        String name = loginCookie.substring(0, loginCookie.indexOf('='));
        String sealed = loginCookie.substring(name.length() + 1);
        URI callback = browser.signIn(URI.create(login.headers().firstValue("Location").orElseThrow()), "alice", "alice-password");
        // Only the gateway's secret can seal login state; with it, the state stays and the nonce changes.
        SessionTokens tokens = first.getApplicationContext().getBean(SessionTokens.class);
        JWTClaimsSet state = tokens.open(sealed);
        String resealed = tokens.seal(new JWTClaimsSet.Builder(state).claim("nonce", "not-the-nonce-sent-to-keycloak").build());
        HttpResponse<String> refused = browser.get(callback, "Cookie", name + "=" + resealed);
        JsonNode error = assertReason(refused, 401, "invalid_id_token");
        assertEquals("nonce_mismatch", error.get("details").get("check").getStringValue());
    }

    @Test
    void providerError_then401Envelope() {
        HttpResponse<String> login = browser.get(uri(first, "/v1/auth/login/keycloak"));
        String loginCookie = OidcBrowser.pair(OidcBrowser.loginSetCookie(login));
        String state = query(URI.create(login.headers().firstValue("Location").orElseThrow())).get("state");
        HttpResponse<String> refused = browser.get(uri(first, "/v1/auth/callback/keycloak?error=access_denied&state=" + enc(state)),
            "Cookie", loginCookie);
        JsonNode error = assertReason(refused, 401, "provider_error");
        assertEquals("access_denied", error.get("details").get("error").getStringValue());
    }

    @Test
    void unknownProvider_then404Envelope() {
        HttpResponse<String> response = browser.get(uri(first, "/v1/auth/login/nobody"));
        assertEquals(404, response.statusCode());
        assertEquals("not_found", json(response).get("error").get("code").getStringValue());
    }

    @Test
    void providerAddedAtRunTime_thenUsableOnEveryInstance_andRemovedOneRefused() {
        String body = """
            {"id":"kc-runtime","issuer":"%s","client_id":"%s","client_secret":"%s","roles_claim":"realm_access.roles","tenant":"initech"}
            """.formatted(issuer, CLIENT_ID, CLIENT_SECRET);
        HttpResponse<String> created = admin("POST", first, "/admin/sso-providers", body);
        assertEquals(201, created.statusCode(), created.body());
        assertFalse(created.body().contains(CLIENT_SECRET), "the secret is never echoed");

        long visible = Await.millisUntil(() -> browser.get(uri(second, "/v1/auth/login/kc-runtime")).statusCode() == 302, 1000);
        assertTrue(visible >= 0, "the other instance knows the new provider within 1 s");
        HttpResponse<String> callback = login(second, "kc-runtime", "alice", "alice-password", "/app/x");
        assertEquals(302, callback.statusCode(), callback.body());
        JsonNode session = session(second, cookie(callback));
        assertEquals("kc-runtime", session.get("provider").getStringValue());
        assertEquals("initech", session.get("tenant").getStringValue(), "the provider's fixed tenant wins");

        assertEquals(204, admin("DELETE", first, "/admin/sso-providers/kc-runtime", null).statusCode());
        long gone = Await.millisUntil(() -> browser.get(uri(second, "/v1/auth/login/kc-runtime")).statusCode() == 404, 1000);
        assertTrue(gone >= 0, "the other instance refuses logins with the removed provider within 1 s");
    }

    private HttpResponse<String> login(EmbeddedServer gateway, String provider, String user, String password, String redirect) {
        HttpResponse<String> login = browser.get(uri(gateway, "/v1/auth/login/" + provider + "?redirect=" + enc(redirect)));
        assertEquals(302, login.statusCode(), login.body());
        String loginCookie = OidcBrowser.pair(OidcBrowser.loginSetCookie(login));
        URI callback = browser.signIn(URI.create(login.headers().firstValue("Location").orElseThrow()), user, password);
        assertTrue(callback.toString().startsWith("http://127.0.0.1:" + gateway.getPort() + "/v1/auth/callback/" + provider + "?"),
            callback.toString());
        return browser.get(callback, "Cookie", loginCookie);
    }

    private JsonNode session(EmbeddedServer gateway, String cookie) {
        HttpResponse<String> response = browser.get(uri(gateway, "/v1/auth/session"), "Cookie", cookie);
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    private HttpResponse<String> admin(String method, EmbeddedServer gateway, String path, String body) {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(uri(gateway, path))
            .header("Authorization", "Bearer " + ADMIN)
            .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode assertReason(HttpResponse<String> response, int status, String reason) {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = json(response).get("error");
        assertEquals(reason, error.get("details").get("reason").getStringValue(), response.body());
        assertNotEquals("", error.get("request_id").getStringValue());
        return error;
    }

    private static void assertCookieAttributes(String setCookie) {
        assertTrue(setCookie.toLowerCase(java.util.Locale.ROOT).contains("; httponly"), setCookie);
        assertTrue(setCookie.contains("Secure"), setCookie);
        assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
    }

    private static String cookie(HttpResponse<String> callback) {
        assertEquals(302, callback.statusCode(), callback.body());
        return OidcBrowser.pair(OidcBrowser.setCookie(callback, "gatehouse_session"));
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readValue(response.body(), JsonNode.class);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode value : array.values()) {
            out.add(value.getStringValue());
        }
        return out;
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            out.put(java.net.URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static URI uri(EmbeddedServer gateway, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + gateway.getPort() + pathAndQuery);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
