package io.gatehouse.contract;

import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /admin/sso-providers} over HTTP semantics, the same on Netty and both Lambda payloads:
 * create, list (with the configured provider, read-only), show, replace, change, remove; field
 * validation; the client secret accepted and never shown; the admin credential required. No
 * provider is contacted: logins with these providers are proved against Keycloak by
 * {@code NettyOidcLoginTest}.
 */
public abstract class SsoProviderAdminContractTest extends IdentityContractSupport {

    private static final String PATH = "/admin/sso-providers";
    private static final String SECRET_VALUE = "very-secret-client-secret-42";

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.session.secret", SessionContractTest.SESSION_SECRET);
        properties.put("gateway.sso.providers.corp.issuer", "https://login.example.com/realms/corp");
        properties.put("gateway.sso.providers.corp.client-id", "gatehouse");
        properties.put("gateway.sso.providers.corp.client-secret", "configured-secret");
        return properties;
    }

    @Test
    void create_thenShownListedAndSecretNeverEchoed() {
        ContractResponse created = send(adminJson("POST", PATH, provider("okta", "https://example.okta.com")));
        assertEquals(201, created.status(), created.text());
        assertFalse(created.text().contains(SECRET_VALUE), created.text());
        JsonNode body = created.json();
        assertEquals("okta", body.get("id").getStringValue());
        assertEquals("https://example.okta.com", body.get("issuer").getStringValue());
        assertEquals("gatehouse-web", body.get("client_id").getStringValue());
        assertTrue(body.get("client_secret_set").getBooleanValue());
        assertEquals(List.of("openid", "profile", "email"), strings(body.get("scopes")));
        assertEquals("roles", body.get("roles_claim").getStringValue());
        assertTrue(body.get("enabled").getBooleanValue());
        assertEquals("api", body.get("source").getStringValue());
        assertEquals("/v1/auth/login/okta", body.get("login_path").getStringValue());

        ContractResponse shown = send(admin(ContractRequest.get(PATH + "/okta")));
        assertEquals(200, shown.status());
        assertFalse(shown.text().contains(SECRET_VALUE));

        ContractResponse list = send(admin(ContractRequest.get(PATH)));
        assertEquals(200, list.status());
        assertFalse(list.text().contains(SECRET_VALUE) || list.text().contains("configured-secret"), list.text());
        Map<String, String> sources = new java.util.HashMap<>();
        for (JsonNode p : list.json().get("providers").values()) {
            sources.put(p.get("id").getStringValue(), p.get("source").getStringValue());
        }
        assertEquals("configuration", sources.get("corp"));
        assertEquals("api", sources.get("okta"));
        assertEquals(409, send(adminJson("POST", PATH, provider("okta", "https://example.okta.com"))).status(), "duplicate id");
    }

    static Stream<Arguments> invalidBodies() {
        return Stream.of(
            Arguments.of("no issuer", "{\"id\":\"a1\",\"client_id\":\"c\",\"client_secret\":\"s\"}", "issuer"),
            Arguments.of("issuer not a URL", "{\"id\":\"a2\",\"issuer\":\"login\",\"client_id\":\"c\",\"client_secret\":\"s\"}", "issuer"),
            Arguments.of("plain http off loopback", "{\"id\":\"a3\",\"issuer\":\"http://login.example.com\",\"client_id\":\"c\",\"client_secret\":\"s\"}", "issuer"),
            Arguments.of("issuer with a query", "{\"id\":\"a4\",\"issuer\":\"https://login.example.com?x=1\",\"client_id\":\"c\",\"client_secret\":\"s\"}", "issuer"),
            Arguments.of("no client id", "{\"id\":\"a5\",\"issuer\":\"https://login.example.com\",\"client_secret\":\"s\"}", "client_id"),
            Arguments.of("no client secret", "{\"id\":\"a6\",\"issuer\":\"https://login.example.com\",\"client_id\":\"c\"}", "client_secret"),
            Arguments.of("scopes without openid", "{\"id\":\"a7\",\"issuer\":\"https://login.example.com\",\"client_id\":\"c\",\"client_secret\":\"s\",\"scopes\":[\"profile\"]}", "scopes"),
            Arguments.of("id with a space", "{\"id\":\"bad id\",\"issuer\":\"https://login.example.com\",\"client_id\":\"c\",\"client_secret\":\"s\"}", "id"),
            Arguments.of("no id", "{\"issuer\":\"https://login.example.com\",\"client_id\":\"c\",\"client_secret\":\"s\"}", "id"),
            Arguments.of("tenant with a space", "{\"id\":\"a8\",\"issuer\":\"https://login.example.com\",\"client_id\":\"c\",\"client_secret\":\"s\",\"tenant\":\"a b\"}", "tenant"),
            Arguments.of("an allowed domain with @", "{\"id\":\"a9\",\"issuer\":\"https://login.example.com\",\"client_id\":\"c\",\"client_secret\":\"s\",\"allowed_domains\":[\"@example.com\"]}", "allowed_domains[0]"),
            Arguments.of("a default role with a space", "{\"id\":\"a10\",\"issuer\":\"https://login.example.com\",\"client_id\":\"c\",\"client_secret\":\"s\",\"default_roles\":[\"a b\"]}", "default_roles[0]"),
            Arguments.of("a group without roles", "{\"id\":\"a11\",\"issuer\":\"https://login.example.com\",\"client_id\":\"c\",\"client_secret\":\"s\",\"group_roles\":{\"admins\":[]}}", "group_roles.admins"),
            Arguments.of("SSO gateway: type saml", ssoGateway("s1", "").replace("\"type\":\"oidc\"", "\"type\":\"saml\""), "type"),
            Arguments.of("SSO gateway: an unknown config key", ssoGateway("s2", "\"config\":{\"prompt\":\"login\"}"), "config.prompt"),
            Arguments.of("SSO gateway: a config value of the wrong type", ssoGateway("s3", "\"config\":{\"auto_provision\":\"yes\"}"), "config.auto_provision"),
            Arguments.of("SSO gateway: name and id", ssoGateway("s4", "\"id\":\"s4\""), "name"),
            Arguments.of("SSO gateway: config.tenant and tenant", ssoGateway("s5", "\"tenant\":\"a\",\"config\":{\"tenant\":\"b\"}"), "config.tenant"),
            Arguments.of("SSO gateway: a metadata URL that is no discovery URL", "{\"name\":\"s6\",\"type\":\"oidc\",\"oidc_client_id\":\"c\",\"oidc_client_secret\":\"s\",\"oidc_metadata_url\":\"https://login.example.com/metadata\"}", "oidc_metadata_url"),
            Arguments.of("SSO gateway: an http metadata URL off loopback", "{\"name\":\"s7\",\"type\":\"oidc\",\"oidc_client_id\":\"c\",\"oidc_client_secret\":\"s\",\"oidc_metadata_url\":\"http://login.example.com/.well-known/openid-configuration\"}", "oidc_metadata_url"),
            Arguments.of("SSO gateway: scopes without openid", ssoGateway("s8", "\"oidc_scopes\":\"profile email\"").replace("\"oidc_scopes\":\"openid email profile groups\",", ""), "oidc_scopes"),
            Arguments.of("SSO gateway: no client secret", ssoGateway("s9", "").replace("\"oidc_client_secret\":\"" + SECRET_VALUE + "\",", ""), "client_secret"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void invalidProvider_then400NamingTheField(String name, String body, String field) {
        ContractResponse response = send(adminJson("POST", PATH, body));
        assertEquals(400, response.status(), response.text());
        JsonNode error = response.json().get("error");
        assertEquals("validation_failed", error.get("code").getStringValue());
        List<String> fields = new ArrayList<>();
        for (JsonNode violation : error.get("details").get("violations").values()) {
            fields.add(violation.get("field").getStringValue());
        }
        assertEquals(List.of(field), fields, response.text());
    }

    @Test
    void patchAndPut_thenChangedAndSecretKept() {
        assertEquals(201, send(adminJson("POST", PATH, provider("entra", "https://login.microsoftonline.com/t/v2.0"))).status());
        ContractResponse patched = send(adminJson("PATCH", PATH + "/entra", "{\"enabled\":false,\"tenant\":\"acme\"}"));
        assertEquals(200, patched.status(), patched.text());
        assertFalse(patched.json().get("enabled").getBooleanValue());
        assertEquals("acme", patched.json().get("tenant").getStringValue());
        assertEquals("gatehouse-web", patched.json().get("client_id").getStringValue(), "PATCH keeps absent fields");
        assertEquals(404, send(ContractRequest.get("/v1/auth/login/entra")).status(), "a disabled provider cannot be used");

        ContractResponse put = send(adminJson("PUT", PATH + "/entra",
            "{\"issuer\":\"https://login.microsoftonline.com/t2/v2.0\",\"client_id\":\"other\",\"roles_claim\":\"groups\"}"));
        assertEquals(200, put.status(), put.text());
        assertTrue(put.json().get("client_secret_set").getBooleanValue(), "PUT without client_secret keeps the stored one");
        assertTrue(put.json().get("enabled").getBooleanValue(), "PUT resets absent fields to their defaults");
        assertTrue(put.json().get("tenant") == null);
        assertEquals("groups", put.json().get("roles_claim").getStringValue());

        ContractResponse incomplete = send(adminJson("PUT", PATH + "/entra", "{\"client_id\":\"other\"}"));
        assertEquals(400, incomplete.status());
        assertEquals(404, send(adminJson("PATCH", PATH + "/nobody", "{\"enabled\":false}")).status());
    }

    @Test
    void delete_thenGone() {
        assertEquals(201, send(adminJson("POST", PATH, provider("gone", "https://gone.example.com"))).status());
        assertEquals(204, send(admin(ContractRequest.of("DELETE", PATH + "/gone"))).status());
        assertEquals(404, send(admin(ContractRequest.get(PATH + "/gone"))).status());
        assertEquals(404, send(admin(ContractRequest.of("DELETE", PATH + "/gone"))).status());
    }

    @Test
    void configuredProvider_thenReadOnly() {
        ContractResponse shown = send(admin(ContractRequest.get(PATH + "/corp")));
        assertEquals(200, shown.status());
        assertEquals("configuration", shown.json().get("source").getStringValue());
        assertEquals(409, send(adminJson("PATCH", PATH + "/corp", "{\"enabled\":false}")).status());
        assertEquals(409, send(admin(ContractRequest.of("DELETE", PATH + "/corp"))).status());
        assertEquals(409, send(adminJson("POST", PATH, provider("corp", "https://login.example.com"))).status());
    }

    @Test
    void loginWithAProviderThatDoesNotAnswer_then502Envelope() {
        String issuer = "http://127.0.0.1:" + io.gatehouse.testing.TestUpstream.closedPort() + "/realms/down";
        assertEquals(201, send(adminJson("POST", PATH, provider("down", issuer))).status(), "added without contacting it");
        ContractResponse response = send(ContractRequest.get("/v1/auth/login/down"));
        assertEquals(502, response.status(), response.text());
        JsonNode error = response.json().get("error");
        assertEquals("bad_gateway", error.get("code").getStringValue());
        assertEquals("provider_unavailable", error.get("details").get("reason").getStringValue());
        assertEquals("down", error.get("details").get("provider").getStringValue());
    }

    @Test
    void legacyAliasesSwitchedOff_thenTheSsoGatewayPathsAre404AndV1Unchanged() {
        Map<String, Object> off = properties();
        off.put("gateway.legacy-aliases.sso", "false");
        GatewayTransport other = runtime().start(off);
        try {
            for (String path : List.of("/sso/session", "/sso/oidc/providers", "/sso/oidc/login?provider=corp", "/sso/oidc/callback")) {
                assertEnvelope(other.send(ContractRequest.get(path)), 404, "not_found");
            }
            assertEquals(200, other.send(ContractRequest.get("/v1/auth/providers")).status());
        } finally {
            other.close();
        }
        assertEquals(200, send(ContractRequest.get("/sso/session")).status(), "on by default");
    }

    @Test
    void withoutAdminToken_then401() {
        ContractResponse response = send(ContractRequest.get(PATH));
        assertEquals(401, response.status());
        assertEquals("unauthorized", response.json().get("error").get("code").getStringValue());
        ContractResponse wrong = send(ContractRequest.of("POST", PATH).header("Authorization", "Bearer wrong")
            .body("application/json", provider("x1", "https://x.example.com")));
        assertEquals(401, wrong.status());
    }

    /**
     * The SSO gateway's body for the same kind of provider, as its API took it.
     *
     * @param name  the provider's name
     * @param extra more members, or empty
     * @return the JSON
     */
    static String ssoGateway(String name, String extra) {
        return "{\"name\":\"" + name + "\",\"type\":\"oidc\",\"enabled\":true,\"oidc_client_id\":\"gatehouse-web\","
            + "\"oidc_client_secret\":\"" + SECRET_VALUE + "\","
            + "\"oidc_metadata_url\":\"https://login.example.com/realms/corp/.well-known/openid-configuration\","
            + "\"oidc_scopes\":\"openid email profile groups\","
            + "\"allowed_domains\":[\"Example.com\",\"partner.test\"],\"default_roles\":[\"viewer\"]"
            + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @Test
    void ssoGatewayBody_thenAcceptedAndMappedOntoGatehouseFields() {
        ContractResponse created = send(adminJson("POST", PATH, ssoGateway("legacy", "\"config\":{\"auto_provision\":false,"
            + "\"groups_claim\":\"realm_access.groups\",\"group_roles\":{\"/ops\":[\"admin\",\"viewer\"]},"
            + "\"roles_claim\":\"realm_access.roles\",\"tenant\":\"corp\"}")));
        assertEquals(201, created.status(), created.text());
        assertFalse(created.text().contains(SECRET_VALUE), created.text());
        JsonNode body = created.json();
        assertEquals("legacy", body.get("id").getStringValue());
        assertEquals("oidc", body.get("type").getStringValue());
        assertEquals("https://login.example.com/realms/corp", body.get("issuer").getStringValue(), "the issuer before the discovery path");
        assertEquals("gatehouse-web", body.get("client_id").getStringValue());
        assertTrue(body.get("client_secret_set").getBooleanValue());
        assertEquals(List.of("openid", "email", "profile", "groups"), strings(body.get("scopes")));
        assertEquals(List.of("example.com", "partner.test"), strings(body.get("allowed_domains")), "domains in lower case");
        assertEquals(List.of("viewer"), strings(body.get("default_roles")));
        assertFalse(body.get("auto_provision").getBooleanValue());
        assertEquals("realm_access.groups", body.get("groups_claim").getStringValue());
        assertEquals(List.of("admin", "viewer"), strings(body.get("group_roles").get("/ops")));
        assertEquals("realm_access.roles", body.get("roles_claim").getStringValue());
        assertEquals("corp", body.get("tenant").getStringValue());

        ContractResponse patched = send(adminJson("PATCH", PATH + "/legacy",
            "{\"oidc_scopes\":[\"openid\",\"email\"],\"config\":{\"auto_provision\":true}}"));
        assertEquals(200, patched.status(), patched.text());
        assertEquals(List.of("openid", "email"), strings(patched.json().get("scopes")));
        assertTrue(patched.json().get("auto_provision").getBooleanValue());
        assertEquals(List.of("viewer"), strings(patched.json().get("default_roles")), "PATCH keeps absent fields");

        ContractResponse put = send(adminJson("PUT", PATH + "/legacy", "{\"name\":\"legacy\",\"type\":\"oidc\","
            + "\"oidc_client_id\":\"other\",\"oidc_metadata_url\":\"https://login.example.com/realms/corp/.well-known/openid-configuration\"}"));
        assertEquals(200, put.status(), put.text());
        assertEquals("other", put.json().get("client_id").getStringValue());
        assertTrue(put.json().get("client_secret_set").getBooleanValue(), "PUT without a secret keeps the stored one");
        assertEquals(List.of(), strings(put.json().get("allowed_domains")), "PUT resets absent fields to their defaults");
        assertEquals(List.of(), strings(put.json().get("default_roles")));
        assertTrue(put.json().get("auto_provision").getBooleanValue());
        assertEquals("groups", put.json().get("groups_claim").getStringValue());

        ContractResponse renamed = send(adminJson("PATCH", PATH + "/legacy", "{\"name\":\"other-name\"}"));
        assertEquals(400, renamed.status(), renamed.text());
        assertEquals("name", renamed.json().get("error").get("details").get("violations").get(0).get("field").getStringValue());
    }

    @Test
    void gatehouseJitFields_thenStoredShownAndResetByPut() {
        ContractResponse created = send(adminJson("POST", PATH, "{\"id\":\"jit\",\"issuer\":\"https://jit.example.com\","
            + "\"client_id\":\"c\",\"client_secret\":\"" + SECRET_VALUE + "\",\"auto_provision\":false,"
            + "\"allowed_domains\":[\"example.com\"],\"default_roles\":[\"member\"],\"groups_claim\":\"grp\","
            + "\"group_roles\":{\"Team Leads\":[\"lead\"]}}"));
        assertEquals(201, created.status(), created.text());
        ContractResponse shown = send(admin(ContractRequest.get(PATH + "/jit")));
        JsonNode body = shown.json();
        assertFalse(body.get("auto_provision").getBooleanValue());
        assertEquals(List.of("example.com"), strings(body.get("allowed_domains")));
        assertEquals(List.of("member"), strings(body.get("default_roles")));
        assertEquals("grp", body.get("groups_claim").getStringValue());
        assertEquals(List.of("lead"), strings(body.get("group_roles").get("Team Leads")), "group names keep spaces and case");
    }

    @Test
    void publicProviderList_thenEnabledProvidersWithoutCredentialsOrSecrets() {
        assertEquals(201, send(adminJson("POST", PATH, provider("listed", "https://listed.example.com"))).status());
        assertEquals(201, send(adminJson("POST", PATH, provider("hidden", "https://hidden.example.com"))).status());
        assertEquals(200, send(adminJson("PATCH", PATH + "/hidden", "{\"enabled\":false}")).status());

        ContractResponse listed = send(ContractRequest.get("/v1/auth/providers"));
        assertEquals(200, listed.status(), listed.text());
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        for (JsonNode p : listed.json().get("providers").values()) {
            byName.put(p.get("name").getStringValue(), p);
        }
        assertEquals("oidc", byName.get("listed").get("type").getStringValue());
        assertEquals("/v1/auth/login/listed", byName.get("listed").get("login_url").getStringValue());
        assertEquals("/v1/auth/login/corp", byName.get("corp").get("login_url").getStringValue(), "configured ones too");
        assertFalse(byName.containsKey("hidden"), "a disabled provider is not offered");
        for (String leak : List.of("gatehouse-web", SECRET_VALUE, "configured-secret", "listed.example.com", "client")) {
            assertFalse(listed.text().contains(leak), leak + " in " + listed.text());
        }

        ContractResponse legacy = send(ContractRequest.get("/sso/oidc/providers"));
        assertEquals(200, legacy.status(), legacy.text());
        boolean found = false;
        for (JsonNode p : legacy.json().get("providers").values()) {
            if (p.get("name").getStringValue().equals("listed")) {
                assertEquals("/sso/oidc/login?provider=listed", p.get("login_url").getStringValue());
                found = true;
            }
        }
        assertTrue(found, legacy.text());
    }

    private static String provider(String id, String issuer) {
        return "{\"id\":\"" + id + "\",\"issuer\":\"" + issuer + "\",\"client_id\":\"gatehouse-web\",\"client_secret\":\"" + SECRET_VALUE + "\"}";
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode value : array.values()) {
            out.add(value.getStringValue());
        }
        return out;
    }
}
