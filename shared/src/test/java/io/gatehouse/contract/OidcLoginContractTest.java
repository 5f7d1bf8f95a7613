package io.gatehouse.contract;

import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.OidcBrowser;
import io.gatehouse.testing.TestRoutes;
import io.gatehouse.testing.TestServices;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OIDC login through each runtime, against the run's real Keycloak: the gateway's steps
 * (login, callback, routes, session, logout) go through the runtime under test, the user's steps at
 * Keycloak through {@link OidcBrowser}. The callback URL is {@code gateway.sso.redirect-base-url}
 * ({@code http://127.0.0.1:9}, allowed by the realm); the browser does not follow Keycloak's
 * redirect there but hands its path and query to the runtime, as API Gateway would. So the login
 * is proved on both Lambda payloads too, with the cookies as API Gateway carries them.
 *
 * <p>{@code NettyOidcLoginTest} goes further in the container (two instances, every tampering case,
 * providers added at run time).
 */
public abstract class OidcLoginContractTest extends IdentityContractSupport {

    private static final String BASE = "http://127.0.0.1:9";
    private static final String PRINCIPAL_HEADER = "X-Test-Principal";

    private final String issuer = TestServices.oidcIssuer();
    private final OidcBrowser browser = new OidcBrowser(issuer);
    private final EchoUpstream upstream = EchoUpstream.start("app");

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.session.secret", SessionContractTest.SESSION_SECRET);
        properties.put("gateway.sso.redirect-base-url", BASE);
        properties.put("gateway.sso.providers.keycloak.issuer", issuer);
        properties.put("gateway.sso.providers.keycloak.client-id", "gatehouse-sso");
        properties.put("gateway.sso.providers.keycloak.client-secret", "gatehouse-sso-secret");
        properties.put("gateway.sso.providers.keycloak.roles-claim", "realm_access.roles");
        properties.put("gateway.jwt.tenant-claims", List.of("tenant"));
        properties.put("gateway.route-access.principal-header", PRINCIPAL_HEADER);
        properties.put("gateway.upstreams.app.targets", List.of(upstream.url()));
        TestRoutes.put(properties, 0, "app", "/app/**", "app", Map.of("auth", "session", "claims.forward.email", "X-User-Email",
            "authorization.roles", List.of("gatehouse-user")));
        return properties;
    }

    @AfterAll
    void closeBrowser() {
        browser.close();
        upstream.close();
    }

    @Test
    void login_thenSessionAdmittedOnRoutes_andLogoutEndsIt() {
        ContractResponse login = send(ContractRequest.get("/v1/auth/login/keycloak?redirect=/app/home"));
        assertEquals(302, login.status(), login.text());
        String loginCookie = cookie(login, "gatehouse_login");
        URI callback = browser.signIn(URI.create(login.header("Location").orElseThrow()), "alice", "alice-password");
        assertTrue(callback.toString().startsWith(BASE + "/v1/auth/callback/keycloak?"), callback.toString());

        String loginId = "oidc-login-" + java.util.UUID.randomUUID();
        ContractResponse finished = send(ContractRequest.get(callback.getRawPath() + "?" + callback.getRawQuery()).cookie(loginCookie)
            .header("X-Request-ID", loginId));
        assertEquals(302, finished.status(), finished.text());
        assertEquals("/app/home", finished.header("Location").orElseThrow());
        String sessionSetCookie = setCookie(finished, "gatehouse_session");
        String attributes = sessionSetCookie.toLowerCase(Locale.ROOT);
        assertTrue(attributes.contains("httponly") && attributes.contains("secure") && attributes.contains("samesite=lax"), sessionSetCookie);
        assertTrue(setCookie(finished, "gatehouse_login").contains("Max-Age=0"), "both Set-Cookie reach the browser");
        String session = sessionSetCookie.split(";", 2)[0];

        ContractResponse routed = send(ContractRequest.get("/app/home").cookie(session));
        assertEquals(200, routed.status(), routed.text());
        assertTrue(routed.header(PRINCIPAL_HEADER).orElseThrow().startsWith("session u_"));
        assertEquals("alice@example.com", routed.json().get("headers").get("x-user-email").get(0).getStringValue());

        JsonNode user = send(ContractRequest.get("/v1/auth/session").cookie(session)).json();
        assertEquals("acme", user.get("tenant").getStringValue());
        assertEquals("keycloak", user.get("provider").getStringValue());

        JsonNode logged = auditEvent(loginId);
        assertEquals("sso.login", logged.get("action").getStringValue());
        assertEquals("allow", logged.get("decision").getStringValue());
        assertEquals(user.get("user_id").getStringValue(), logged.get("principal").get("subject").getStringValue());
        assertEquals("acme", logged.get("tenant").getStringValue());

        assertEquals(200, send(ContractRequest.of("POST", "/v1/auth/logout").cookie(session)).status());
        ContractResponse after = send(ContractRequest.get("/app/home").cookie(session));
        assertEquals(401, after.status(), after.text());
        assertEquals("revoked", after.json().get("error").get("details").get("reason").getStringValue());
    }

    @Test
    void callbackWithAnotherState_then400Envelope() {
        ContractResponse login = send(ContractRequest.get("/v1/auth/login/keycloak"));
        String loginCookie = cookie(login, "gatehouse_login");
        URI callback = browser.signIn(URI.create(login.header("Location").orElseThrow()), "alice", "alice-password");
        String forged = callback.getRawQuery().replaceAll("state=[^&]*", "state=forged");
        String requestId = "oidc-forged-" + java.util.UUID.randomUUID();
        ContractResponse refused = send(ContractRequest.get(callback.getRawPath() + "?" + forged).cookie(loginCookie)
            .header("X-Request-ID", requestId));
        assertEquals(400, refused.status(), refused.text());
        assertEquals("state_mismatch", refused.json().get("error").get("details").get("reason").getStringValue());

        JsonNode logged = auditEvent(requestId);
        assertEquals("authentication", logged.get("category").getStringValue());
        assertEquals("deny", logged.get("decision").getStringValue());
        assertEquals("state_mismatch", logged.get("reason").getStringValue());
    }

    /** The one audit event of a request, once the runtime's writer has stored it. */
    private JsonNode auditEvent(String requestId) {
        java.util.List<JsonNode> found = new java.util.ArrayList<>();
        long millis = io.gatehouse.testing.Await.millisUntil(() -> {
            found.clear();
            ContractResponse listed = send(admin(ContractRequest.get("/admin/audit?request_id=" + requestId)));
            assertEquals(200, listed.status(), listed.text());
            listed.json().get("events").values().forEach(found::add);
            return !found.isEmpty();
        }, 5000);
        assertTrue(millis >= 0, "no audit event for " + requestId);
        assertEquals(1, found.size(), "one event per login");
        return found.getFirst();
    }

    private static String setCookie(ContractResponse response, String name) {
        return response.setCookies().stream().filter(c -> c.startsWith(name + "=")).findFirst()
            .orElseThrow(() -> new AssertionError("no Set-Cookie for " + name + " among " + response.setCookies()));
    }

    private static String cookie(ContractResponse response, String name) {
        return setCookie(response, name).split(";", 2)[0];
    }
}
