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
        keycloakLogin(properties, issuer, BASE, PRINCIPAL_HEADER);
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
        String loginCookie = OidcBrowser.loginSetCookie(login.setCookies()).split(";", 2)[0];
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
        assertTrue(OidcBrowser.loginSetCookie(finished.setCookies()).startsWith(loginCookie.split("=", 2)[0] + "=;")
            && OidcBrowser.loginSetCookie(finished.setCookies()).contains("Max-Age=0"), "both Set-Cookie reach the browser");
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
        String loginCookie = OidcBrowser.loginSetCookie(login.setCookies()).split(";", 2)[0];
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

    /**
     * Two tabs start a login each before either finishes (the user opened the application twice): the browser keeps
     * every cookie by name, as Chromium does, so each login needs its own cookie, or the second overwrites the first
     * and the first tab's callback fails with state_mismatch.
     */
    @Test
    void twoLoginsStartedInOneBrowser_thenBothFinish() {
        Map<String, String> jar = new java.util.LinkedHashMap<>();
        ContractResponse first = send(ContractRequest.get("/v1/auth/login/keycloak?redirect=/app/one"));
        keep(jar, first);
        ContractResponse second = send(ContractRequest.get("/v1/auth/login/keycloak?redirect=/app/two"));
        keep(jar, second);

        for (var started : List.of(Map.entry(first, "/app/one"), Map.entry(second, "/app/two"))) {
            URI callback = browser.signIn(URI.create(started.getKey().header("Location").orElseThrow()), "alice", "alice-password");
            ContractRequest request = ContractRequest.get(callback.getRawPath() + "?" + callback.getRawQuery());
            for (var kept : jar.entrySet()) {
                request = request.cookie(kept.getKey() + "=" + kept.getValue());
            }
            ContractResponse finished = send(request);
            assertEquals(302, finished.status(), finished.text());
            assertEquals(started.getValue(), finished.header("Location").orElseThrow());
            keep(jar, finished);
        }
        assertTrue(jar.keySet().stream().noneMatch(name -> name.startsWith(OidcBrowser.LOGIN_COOKIE_PREFIX)),
            "each callback removes its own login cookie: " + jar.keySet());
    }

    @Test
    void providerError_then401Envelope_andTheLoginCookieRemoved() {
        ContractResponse login = send(ContractRequest.get("/v1/auth/login/keycloak"));
        String loginCookie = OidcBrowser.loginSetCookie(login.setCookies()).split(";", 2)[0];
        String state = URI.create(login.header("Location").orElseThrow()).getRawQuery().replaceAll(".*(?:^|&)state=([^&]*).*", "$1");
        ContractResponse refused = send(ContractRequest.get("/v1/auth/callback/keycloak?error=access_denied&state=" + state)
            .cookie(loginCookie));
        assertEquals(401, refused.status(), refused.text());
        assertEquals("provider_error", refused.json().get("error").get("details").get("reason").getStringValue());
        String cleared = OidcBrowser.loginSetCookie(refused.setCookies());
        assertTrue(cleared.startsWith(loginCookie.split("=", 2)[0] + "=;") && cleared.contains("Max-Age=0"), cleared);
    }

    /**
     * A page on another site posts a logout form: SameSite=Lax keeps the session cookie off that POST, and the answer
     * must not remove the cookie either, or any site could log the user out through it (Chromium applies the
     * answer's Set-Cookie of a top-level navigation, cross-site or not).
     */
    @Test
    void logoutWithoutTheSessionCookie_thenTheCookieIsLeftAlone() {
        ContractResponse posted = send(ContractRequest.of("POST", "/v1/auth/logout").header("Sec-Fetch-Site", "cross-site"));
        assertEquals(200, posted.status(), posted.text());
        assertEquals(false, posted.json().get("logged_out").getBooleanValue());
        assertTrue(posted.setCookies().stream().noneMatch(c -> c.startsWith("gatehouse_session=")), posted.setCookies().toString());
        ContractResponse linked = send(ContractRequest.get("/v1/auth/logout?redirect=/bye"));
        assertEquals(302, linked.status(), linked.text());
        assertTrue(linked.setCookies().stream().noneMatch(c -> c.startsWith("gatehouse_session=")), linked.setCookies().toString());
    }

    /** A browser's cookie jar: a Set-Cookie replaces the cookie of the same name; an expired one removes it. */
    private static void keep(Map<String, String> jar, ContractResponse response) {
        for (String header : response.setCookies()) {
            String pair = header.split(";", 2)[0];
            String name = pair.substring(0, pair.indexOf('='));
            if (header.contains("Max-Age=0")) {
                jar.remove(name);
            } else {
                jar.put(name, pair.substring(name.length() + 1));
            }
        }
    }
}
