package io.gatehouse.contract;

import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.KeycloakFixtures;
import io.gatehouse.testing.OidcBrowser;
import io.gatehouse.testing.TestRoutes;
import io.gatehouse.testing.TestServices;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The just-in-time provisioning controls and the SSO gateway's paths, through each runtime against
 * the run's real Keycloak (the gateway's steps through the runtime, the user's at Keycloak through
 * {@link OidcBrowser}, the callback handed to the runtime as in {@link OidcLoginContractTest}):
 * an email-domain allowlist refusing {@code alice@example.com} with a 403 envelope and admitting
 * {@code carol@partner.test}; default roles and a group → role map in the session and gating a
 * session route; auto-provision off refusing a user the gateway does not know and admitting one
 * it does; the SSO gateway's {@code /sso/oidc/login}, {@code /sso/oidc/callback},
 * {@code /sso/session}, {@code /sso/oidc/logout} and {@code /sso/oidc/providers}.
 */
public abstract class SsoProvisioningContractTest extends IdentityContractSupport {

    private static final String BASE = "http://127.0.0.1:9";
    private static final String PRINCIPAL_HEADER = "X-Test-Principal";
    private static final String DISCOVERY = "/.well-known/openid-configuration";

    private final String issuer = TestServices.oidcIssuer();
    private final OidcBrowser browser = new OidcBrowser(issuer);
    private final EchoUpstream upstream = EchoUpstream.start("app");

    @Override
    protected Map<String, Object> properties() {
        KeycloakFixtures.ensure(issuer);
        Map<String, Object> properties = super.properties();
        keycloakLogin(properties, issuer, BASE, PRINCIPAL_HEADER);
        properties.put("gateway.sso.providers.partners.issuer", issuer);
        properties.put("gateway.sso.providers.partners.client-id", KeycloakFixtures.GROUPS_CLIENT);
        properties.put("gateway.sso.providers.partners.client-secret", KeycloakFixtures.GROUPS_CLIENT_SECRET);
        properties.put("gateway.sso.providers.partners.allowed-domains", List.of("partner.test"));
        properties.put("gateway.sso.providers.partners.default-roles", List.of("viewer"));
        properties.put("gateway.sso.providers.partners.group-roles." + KeycloakFixtures.ADMINS_GROUP, List.of("admin", "auditor"));
        properties.put("gateway.upstreams.app.targets", List.of(upstream.url()));
        TestRoutes.put(properties, 0, "admin-app", "/admin-app/**", "app", Map.of("auth", "session",
            "authorization.roles", List.of("admin")));
        return properties;
    }

    @AfterAll
    void closeBrowser() {
        browser.close();
        upstream.close();
    }

    @Test
    void emailDomainNotAllowed_then403EnvelopeWithoutSessionAndAudited_andAnAllowedDomainAdmitted() {
        String requestId = "sso-domain-" + UUID.randomUUID();
        Login refused = login("/v1/auth/login/partners", "alice", "alice-password", requestId);
        assertEquals(403, refused.finished().status(), refused.finished().text());
        JsonNode error = assertEnvelope(refused.finished(), 403, "forbidden");
        assertEquals("domain_not_allowed", error.get("details").get("reason").getStringValue());
        assertEquals("example.com", error.get("details").get("domain").getStringValue());
        assertEquals("partners", error.get("details").get("provider").getStringValue());
        assertTrue(refused.finished().setCookies().stream().noneMatch(c -> c.startsWith("gatehouse_session=")),
            "no session: " + refused.finished().setCookies());
        String cleared = OidcBrowser.loginSetCookie(refused.finished().setCookies());
        assertTrue(cleared.startsWith(refused.loginCookieName() + "=;") && cleared.contains("Max-Age=0"), cleared);
        JsonNode logged = auditEvent(requestId);
        assertEquals("sso.login", logged.get("action").getStringValue());
        assertEquals("deny", logged.get("decision").getStringValue());
        assertEquals("domain_not_allowed", logged.get("reason").getStringValue());

        Login admitted = login("/v1/auth/login/partners", KeycloakFixtures.CAROL, KeycloakFixtures.CAROL_PASSWORD, null);
        assertEquals(302, admitted.finished().status(), admitted.finished().text());
        assertTrue(setCookie(admitted.finished(), "gatehouse_session").length() > "gatehouse_session=".length());
    }

    @Test
    void defaultRolesAndGroupRoles_thenInTheSessionAndGatingARoleRoute() {
        String carol = session(login("/v1/auth/login/partners", KeycloakFixtures.CAROL, KeycloakFixtures.CAROL_PASSWORD, null));
        JsonNode user = send(ContractRequest.get("/v1/auth/session").cookie(carol)).json();
        assertEquals("partners", user.get("provider").getStringValue());
        assertEquals("carol@partner.test", user.get("email").getStringValue());
        List<String> roles = strings(user.get("roles"));
        assertTrue(roles.containsAll(List.of("viewer", "admin", "auditor")), "default roles and the group's roles: " + roles);
        ContractResponse routed = send(ContractRequest.get("/admin-app/reports").cookie(carol));
        assertEquals(200, routed.status(), routed.text());
        assertTrue(routed.header(PRINCIPAL_HEADER).orElseThrow().startsWith("session u_"));

        String alice = session(login("/v1/auth/login/keycloak", "alice", "alice-password", null));
        List<String> aliceRoles = strings(send(ContractRequest.get("/v1/auth/session").cookie(alice)).json().get("roles"));
        assertFalse(aliceRoles.contains("admin") || aliceRoles.contains("viewer"), "another provider's map does not apply: " + aliceRoles);
        ContractResponse refused = send(ContractRequest.get("/admin-app/reports").cookie(alice));
        assertEquals("missing_role", assertEnvelope(refused, 403, "forbidden").get("details").get("reason").getStringValue());
    }

    /**
     * The provider is added at run time in the SSO gateway's shape, so the body's mapping is proved
     * by a real login too; then auto-provision is switched off: the user who logged in before
     * still may, a user never seen is refused.
     */
    @Test
    void autoProvisionOff_thenAnUnknownUserRefusedAndAKnownOneAdmitted() {
        ContractResponse created = send(adminJson("POST", "/admin/sso-providers", "{\"name\":\"invite\",\"type\":\"oidc\","
            + "\"enabled\":true,\"oidc_client_id\":\"gatehouse-sso\",\"oidc_client_secret\":\"gatehouse-sso-secret\","
            + "\"oidc_metadata_url\":\"" + issuer + DISCOVERY + "\",\"oidc_scopes\":\"openid email profile\","
            + "\"allowed_domains\":[],\"default_roles\":[\"member\"],\"config\":{\"roles_claim\":\"realm_access.roles\"}}"));
        assertEquals(201, created.status(), created.text());
        Login first = login("/v1/auth/login/invite", "alice", "alice-password", null);
        assertEquals(302, first.finished().status(), first.finished().text());
        List<String> roles = strings(send(ContractRequest.get("/v1/auth/session").cookie(session(first))).json().get("roles"));
        assertTrue(roles.containsAll(List.of("gatehouse-user", "member")), roles.toString());

        ContractResponse off = send(adminJson("PATCH", "/admin/sso-providers/invite", "{\"config\":{\"auto_provision\":false}}"));
        assertEquals(200, off.status(), off.text());
        assertFalse(off.json().get("auto_provision").getBooleanValue());

        Login known = login("/v1/auth/login/invite", "alice", "alice-password", null);
        assertEquals(302, known.finished().status(), known.finished().text());
        String requestId = "sso-unknown-" + UUID.randomUUID();
        Login unknown = login("/v1/auth/login/invite", "bob", "bob-password", requestId);
        JsonNode error = assertEnvelope(unknown.finished(), 403, "forbidden");
        assertEquals("user_not_provisioned", error.get("details").get("reason").getStringValue());
        assertTrue(unknown.finished().setCookies().stream().noneMatch(c -> c.startsWith("gatehouse_session=")));
        assertEquals("user_not_provisioned", auditEvent(requestId).get("reason").getStringValue());
    }

    /**
     * The SSO gateway's paths: a login started at {@code /sso/oidc/login} registers its callback,
     * {@code /sso/oidc/callback}, as the redirect URI, so a provider client that lists only that URI
     * keeps working; the session shows at {@code /sso/session} and at {@code /v1/auth/session};
     * {@code /sso/oidc/logout} ends it, and {@code /sso/session} then answers as the SSO gateway did.
     */
    @Test
    void ssoGatewayPaths_thenALoginThroughEachAlias() {
        ContractResponse listed = send(ContractRequest.get("/sso/oidc/providers"));
        assertEquals(200, listed.status(), listed.text());
        List<String> loginUrls = new ArrayList<>();
        listed.json().get("providers").values().forEach(p -> loginUrls.add(p.get("login_url").getStringValue()));
        assertTrue(loginUrls.contains(BASE + "/sso/oidc/login?provider=keycloak"), "absolute under redirect-base-url: " + loginUrls);

        String requestId = "sso-alias-" + UUID.randomUUID();
        Login login = login("/sso/oidc/login?provider=keycloak&redirect=/app/home", "alice", "alice-password", requestId);
        assertTrue(login.redirectUri().equals(BASE + "/sso/oidc/callback"), login.redirectUri());
        assertEquals(302, login.finished().status(), login.finished().text());
        assertEquals("/app/home", login.finished().header("Location").orElseThrow());
        assertEquals("allow", auditEvent(requestId).get("decision").getStringValue());
        String session = session(login);

        JsonNode legacy = send(ContractRequest.get("/sso/session").cookie(session)).json();
        assertTrue(legacy.get("authenticated").getBooleanValue());
        assertEquals("keycloak", legacy.get("provider").getStringValue());
        assertEquals("alice@example.com", legacy.get("email").getStringValue());
        JsonNode v1 = send(ContractRequest.get("/v1/auth/session").cookie(session)).json();
        assertEquals(legacy.get("user_id").getStringValue(), v1.get("user_id").getStringValue());

        ContractResponse loggedOut = send(ContractRequest.of("POST", "/sso/oidc/logout").cookie(session));
        assertEquals(200, loggedOut.status(), loggedOut.text());
        assertTrue(loggedOut.json().get("logged_out").getBooleanValue());
        ContractResponse after = send(ContractRequest.get("/sso/session").cookie(session));
        assertEquals(200, after.status(), after.text());
        assertFalse(after.json().get("authenticated").getBooleanValue());

        ContractResponse link = send(ContractRequest.get("/sso/oidc/logout?redirect=/bye"));
        assertEquals(302, link.status(), link.text());
        assertEquals("/bye", link.header("Location").orElseThrow());
    }

    @Test
    void sessionQueryWithoutASession_thenAuthenticatedFalseOnTheAliasAnd401OnV1() {
        ContractResponse legacy = send(ContractRequest.get("/sso/session"));
        assertEquals(200, legacy.status(), legacy.text());
        assertEquals("{\"authenticated\":false}", legacy.text());
        assertEquals("no-store", legacy.header("Cache-Control").orElse(null));
        assertEquals("missing_credentials", assertEnvelope(send(ContractRequest.get("/v1/auth/session")), 401, "unauthorized")
            .get("details").get("reason").getStringValue());
        assertEquals("missing_provider", assertEnvelope(send(ContractRequest.get("/sso/oidc/login")), 400, "bad_request")
            .get("details").get("reason").getStringValue());
    }

    /**
     * @param finished        the runtime's answer to the callback
     * @param loginCookieName the name of the login's cookie
     * @param redirectUri     the redirect URI the gateway sent the provider
     */
    private record Login(ContractResponse finished, String loginCookieName, String redirectUri) {
    }

    /** Starts a login at the runtime, signs in at Keycloak, and hands the callback to the runtime. */
    private Login login(String start, String user, String password, String requestId) {
        ContractResponse started = send(ContractRequest.get(start));
        assertEquals(302, started.status(), started.text());
        String loginCookie = OidcBrowser.loginSetCookie(started.setCookies()).split(";", 2)[0];
        URI authorization = URI.create(started.header("Location").orElseThrow());
        String redirectUri = URLDecoder.decode(authorization.getRawQuery().replaceAll(".*(?:^|&)redirect_uri=([^&]*).*", "$1"),
            StandardCharsets.UTF_8);
        URI callback = browser.signIn(authorization, user, password);
        assertTrue(callback.toString().startsWith(redirectUri + "?"), callback + " is the redirect URI " + redirectUri);
        ContractRequest request = ContractRequest.get(callback.getRawPath() + "?" + callback.getRawQuery()).cookie(loginCookie);
        if (requestId != null) {
            request = request.header("X-Request-ID", requestId);
        }
        return new Login(send(request), loginCookie.split("=", 2)[0], redirectUri);
    }

    private static String session(Login login) {
        assertEquals(302, login.finished().status(), login.finished().text());
        return setCookie(login.finished(), "gatehouse_session").split(";", 2)[0];
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.values().forEach(value -> out.add(value.getStringValue()));
        return out;
    }
}
