package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.identity.Secrets;
import io.gatehouse.testing.TestTokens;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static io.gatehouse.contract.FoundationContractTest.assertEnvelope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tenancy of the admin API and of the gateway's own credentials over the real PostgreSQL and
 * Redis, the same on Netty and both Lambda payloads: tenant administrators (a JWT the gateway
 * verifies, with an admin role of {@code gateway.admin.roles} and a tenant) see only their
 * tenant's routes, upstreams, consumers, OAuth clients and tokens, get 403 {@code cross_tenant} on
 * another tenant's, and what they create is stamped with their tenant: a route they write is
 * bound to it, a consumer's API key and a client's tokens carry it. The admin token stays the
 * global administrator.
 */
public abstract class TenancyContractTest extends IdentityContractSupport {

    private static final String PRINCIPAL_HEADER = "X-Test-Principal";

    /** The key of a consumer declared in the configuration for the tenant acme; only its hash is configured. */
    private static final String DECLARED_KEY = "gh_acmepartner_" + "declared-tenant-key-0123456789abcdef";

    private final TestUpstream upstream = TestUpstream.start();

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.admin.roles", List.of("gatehouse-admin"));
        properties.put("gateway.route-access.principal-header", PRINCIPAL_HEADER);
        properties.put("gateway.consumers.acme-partner.tenant", "acme");
        properties.put("gateway.consumers.acme-partner.keys", List.of(Map.of("sha256", Secrets.sha256(DECLARED_KEY))));
        // Global routes (no tenant), as GATEWAY_REQUIRE_AUTH=true or a role rule guards them, and one open to every tenant.
        properties.put("gateway.upstreams.tenancy-global.targets", List.of(upstream.url()));
        properties.put("gateway.routes[0].id", "global-jwt");
        properties.put("gateway.routes[0].match.path", "/global-jwt/**");
        properties.put("gateway.routes[0].upstream", "tenancy-global");
        properties.put("gateway.routes[0].auth", "jwt");
        properties.put("gateway.routes[1].id", "global-keyed");
        properties.put("gateway.routes[1].match.path", "/global-keyed/**");
        properties.put("gateway.routes[1].upstream", "tenancy-global");
        properties.put("gateway.routes[1].auth", "any");
        properties.put("gateway.routes[1].authorization.roles", List.of("batch"));
        properties.put("gateway.routes[2].id", "global-any-tenant");
        properties.put("gateway.routes[2].match.path", "/global-any-tenant/**");
        properties.put("gateway.routes[2].upstream", "tenancy-global");
        properties.put("gateway.routes[2].auth", "any");
        properties.put("gateway.routes[2].tenant", "*");
        // The test upstreams listen on 127.0.0.1: that address, and no other internal one, is allowed to tenants.
        properties.put("gateway.admin.tenants.allowed-targets", List.of("127.0.0.1/32"));
        properties.put("gateway.upstreams.tenancy-shared.targets", List.of(upstream.url()));
        properties.put("gateway.admin.tenants.upstreams", List.of("tenancy-shared"));
        return properties;
    }

    @AfterAll
    void stopUpstream() {
        upstream.close();
    }

    /** A JWT of the gateway's secret with the given claims. */
    private static String jwt(String subject, Map<String, Object> claims) {
        JWTClaimsSet.Builder builder = TestTokens.claims(subject);
        claims.forEach(builder::claim);
        return TestTokens.hmac(builder.build(), new JWSHeader(JWSAlgorithm.HS256), SECRET.getBytes(StandardCharsets.UTF_8));
    }

    private static String tenantAdmin(String tenant) {
        return jwt(tenant + "-admin", Map.of("roles", List.of("gatehouse-admin"), "tenant", tenant));
    }

    private static ContractRequest as(String credential, String method, String path, String json) {
        ContractRequest request = ContractRequest.of(method, path).header("Authorization", "Bearer " + credential);
        return json == null ? request : request.body("application/json", json);
    }

    private ContractResponse put(String credential, String path, String json) {
        return send(as(credential, "PUT", path, json));
    }

    private static List<String> ids(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.values().forEach(v -> out.add(v.get(field).getStringValue()));
        return out;
    }

    private void upstreamOf(String credential, String name) {
        ContractResponse created = put(credential, "/admin/upstreams/" + name, "{\"targets\":[\"" + upstream.url() + "\"]}");
        assertEquals(201, created.status(), created.text());
    }

    @Test
    void tenantAdministratorCreatesARoute_thenItIsBoundToItsTenant() {
        String acme = tenantAdmin("acme");
        upstreamOf(acme, "acme-svc");
        ContractResponse created = put(acme, "/admin/routes/acme-orders",
            "{\"match\":{\"path\":\"/acme/orders/**\"},\"upstream\":\"acme-svc\",\"retries\":0}");
        assertEquals(201, created.status(), created.text());
        assertEquals("acme", created.json().get("tenant").getStringValue());
        assertEquals("acme", created.json().get("definition").get("tenant").getStringValue());

        ContractRequest call = ContractRequest.get("/acme/orders/1");
        ContractResponse member = send(call.header("Authorization", "Bearer " + jwt("ann", Map.of("tenant", "acme"))));
        assertEquals(200, member.status(), member.text());
        assertEquals("jwt ann", member.header(PRINCIPAL_HEADER).orElse(null));
        JsonNode other = assertEnvelope(send(call.header("Authorization", "Bearer " + jwt("gil", Map.of("tenant", "globex")))),
            403, "forbidden");
        assertEquals("tenant_mismatch", other.get("details").get("reason").getStringValue());
        assertEnvelope(send(call.header("Authorization", "Bearer " + jwt("nobody", Map.of()))), 403, "forbidden");
    }

    @Test
    void listsAndObjects_thenScopedToTheTenantAndTheGlobalAdministratorSeesAll() {
        String acme = tenantAdmin("acme");
        String globex = tenantAdmin("globex");
        upstreamOf(globex, "globex-svc");
        assertEquals(201, put(globex, "/admin/routes/globex-r", "{\"match\":{\"path\":\"/globex/r/**\"},\"upstream\":\"globex-svc\"}")
            .status());
        upstreamOf(ADMIN, "shared-svc");
        assertEquals(201, put(ADMIN, "/admin/routes/global-r", "{\"match\":{\"path\":\"/global-r/**\"},\"upstream\":\"shared-svc\"}")
            .status());

        List<String> acmeRoutes = ids(send(as(acme, "GET", "/admin/routes", null)).json(), "id");
        assertFalse(acmeRoutes.contains("globex-r"), acmeRoutes.toString());
        assertFalse(acmeRoutes.contains("global-r"), acmeRoutes.toString());
        JsonNode globexRoutes = send(as(globex, "GET", "/admin/routes", null)).json();
        assertTrue(ids(globexRoutes, "id").contains("globex-r"));
        assertEquals(List.of("globex"), ids(globexRoutes, "tenant").stream().distinct().toList(), "every listed route is globex's");
        List<String> all = ids(send(admin(ContractRequest.get("/admin/routes"))).json(), "id");
        assertTrue(all.containsAll(List.of("globex-r", "global-r")), all.toString());
        assertFalse(ids(send(as(acme, "GET", "/admin/upstreams", null)).json(), "id").contains("globex-svc"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "GET    | /admin/routes/cross-r        |",
        "PUT    | /admin/routes/cross-r        | {\"match\":{\"path\":\"/cross-r/**\"},\"upstream\":\"cross-svc\"}",
        "DELETE | /admin/routes/cross-r        |",
        "GET    | /admin/upstreams/cross-svc   |",
        "DELETE | /admin/upstreams/cross-svc   |",
        "PUT    | /admin/routes/steal-r        | {\"match\":{\"path\":\"/acme/steal-r/**\"},\"upstream\":\"cross-svc\"}",
        "PUT    | /admin/routes/gift-r         | {\"match\":{\"path\":\"/gift-r/**\"},\"upstream\":\"acme-own\",\"tenant\":\"initech\"}"})
    void anotherTenantsObjectOrTenant_then403CrossTenant(String method, String path, String body) {
        String initech = tenantAdmin("initech");
        if (send(as(initech, "GET", "/admin/routes/cross-r", null)).status() == 404) {
            upstreamOf(initech, "cross-svc");
            assertEquals(201, put(initech, "/admin/routes/cross-r", "{\"match\":{\"path\":\"/initech/cross-r/**\"},\"upstream\":\"cross-svc\"}")
                .status());
            upstreamOf(tenantAdmin("acme"), "acme-own");
        }
        JsonNode refused = assertEnvelope(send(as(tenantAdmin("acme"), method, path, body)), 403, "forbidden");
        assertEquals("cross_tenant", refused.get("details").get("reason").getStringValue());
        assertEquals(200, send(as(initech, "GET", "/admin/routes/cross-r", null)).status(), "still in force");
    }

    @Test
    void reloadTokenCleanupAndAuditPruneByATenantAdministrator_then403GlobalAdminRequired() {
        for (ContractRequest request : List.of(as(tenantAdmin("acme"), "POST", "/admin/reload", null),
            as(tenantAdmin("acme"), "POST", "/v1/tokens/cleanup", null),
            as(tenantAdmin("acme"), "POST", "/admin/audit/prune", null))) {
            JsonNode refused = assertEnvelope(send(request), 403, "forbidden");
            assertEquals("global_admin_required", refused.get("details").get("reason").getStringValue());
        }
        assertEquals(200, send(admin(ContractRequest.of("POST", "/admin/reload"))).status());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no admin role        | 403 | missing_role",
        "admin role, no tenant | 403 | tenant_required",
        "bad signature        | 401 |"})
    void jwtThatIsNoTenantAdministrator_thenRefused(String name, int status, String reason) {
        String credential = switch (name.trim()) {
            case "no admin role" -> jwt("eve", Map.of("roles", List.of("viewer"), "tenant", "acme"));
            case "admin role, no tenant" -> jwt("eve", Map.of("roles", List.of("gatehouse-admin")));
            default -> tenantAdmin("acme").substring(0, tenantAdmin("acme").length() - 2) + "xx";
        };
        ContractResponse response = send(as(credential, "GET", "/admin/routes", null));
        JsonNode error = assertEnvelope(response, status, status == 401 ? "unauthorized" : "forbidden");
        if (reason != null) {
            assertEquals(reason, error.get("details").get("reason").getStringValue());
        } else {
            assertTrue(response.header("WWW-Authenticate").orElse("").contains("invalid_token"), response.headers().toString());
        }
    }

    @Test
    void tenantsRoutesAndUpstreams_thenListedByServicesOnlyToWhoReachesThem() {
        String acme = tenantAdmin("acme");
        upstreamOf(acme, "acme-listed-svc");
        assertEquals(201, put(acme, "/admin/routes/acme-listed",
            "{\"match\":{\"path\":\"/acme/listed/**\"},\"upstream\":\"acme-listed-svc\"}").status());

        Function<ContractRequest, List<String>> listed = request -> {
            ContractResponse response = send(request);
            assertEquals(200, response.status(), response.text());
            List<String> names = new ArrayList<>(ids(response.json().get("routes"), "id"));
            response.json().get("upstreams").values().forEach(u -> names.add(u.get("name").getStringValue()));
            return names;
        };
        List<String> anonymous = listed.apply(ContractRequest.get("/v1/services"));
        assertFalse(anonymous.contains("acme-listed") || anonymous.contains("acme-listed-svc"), anonymous.toString());
        assertTrue(anonymous.contains("global-jwt") && anonymous.contains("global-any-tenant"), "global routes stay public: " + anonymous);
        List<String> other = listed.apply(as(tenantAdmin("globex"), "GET", "/v1/services", null));
        assertFalse(other.contains("acme-listed") || other.contains("acme-listed-svc"), other.toString());
        List<String> own = listed.apply(as(acme, "GET", "/v1/services", null));
        assertTrue(own.contains("acme-listed") && own.contains("acme-listed-svc"), own.toString());
        List<String> global = listed.apply(admin(ContractRequest.get("/v1/services")));
        assertTrue(global.contains("acme-listed") && global.contains("acme-listed-svc"), global.toString());
    }

    @Test
    void tenantAdministratorsConsumer_thenItsKeyCarriesTheTenantAndOthersCannotSeeIt() {
        String acme = tenantAdmin("acme");
        ContractResponse created = send(as(acme, "POST", "/admin/consumers", "{\"name\":\"acme-batch\",\"groups\":[\"batch\"]}"));
        assertEquals(201, created.status(), created.text());
        assertEquals("acme", created.json().get("tenant").getStringValue());
        String key = send(as(acme, "POST", "/admin/consumers/acme-batch/keys", "{}")).json().get("key").getStringValue();

        upstreamOf(acme, "acme-keyed-svc");
        assertEquals(201, put(acme, "/admin/routes/acme-keyed",
            "{\"match\":{\"path\":\"/acme/keyed/**\"},\"upstream\":\"acme-keyed-svc\",\"auth\":\"api-key\"}").status());
        long millis = millisUntil(() -> send(ContractRequest.get("/acme/keyed/x").header("X-API-Key", key)).status() == 200, 5000);
        assertTrue(millis >= 0, "the tenant's key never reached the tenant's route");

        String globex = tenantAdmin("globex");
        assertFalse(send(as(globex, "GET", "/admin/consumers", null)).text().contains("acme-batch"));
        assertEquals("cross_tenant", assertEnvelope(send(as(globex, "GET", "/admin/consumers/acme-batch", null)), 403, "forbidden")
            .get("details").get("reason").getStringValue());
        assertEquals("cross_tenant", assertEnvelope(send(as(globex, "POST", "/admin/consumers", "{\"name\":\"x\",\"tenant\":\"acme\"}")),
            403, "forbidden").get("details").get("reason").getStringValue());
        assertEquals(200, send(admin(ContractRequest.get("/admin/consumers/acme-batch"))).status(), "the global administrator reaches it");
    }

    @Test
    void declaredConsumerOfATenant_thenItsKeyReachesThatTenantsRoutesOnlyAndOnlyItsAdministratorSeesIt() {
        String acme = tenantAdmin("acme");
        upstreamOf(acme, "acme-partner-svc");
        assertEquals(201, put(acme, "/admin/routes/acme-partner",
            "{\"match\":{\"path\":\"/acme/partner/**\"},\"upstream\":\"acme-partner-svc\",\"auth\":\"api-key\"}").status());
        upstreamOf(tenantAdmin("globex"), "globex-partner-svc");
        assertEquals(201, put(tenantAdmin("globex"), "/admin/routes/globex-partner",
            "{\"match\":{\"path\":\"/globex/partner/**\"},\"upstream\":\"globex-partner-svc\",\"auth\":\"api-key\"}").status());

        assertEquals("api-key acme-partner", send(ContractRequest.get("/acme/partner/x").header("X-API-Key", DECLARED_KEY))
            .header(PRINCIPAL_HEADER).orElse(null));
        assertEquals("tenant_mismatch", assertEnvelope(send(ContractRequest.get("/globex/partner/x").header("X-API-Key", DECLARED_KEY)),
            403, "forbidden").get("details").get("reason").getStringValue());
        ContractResponse shown = send(as(acme, "GET", "/admin/consumers/acme-partner", null));
        assertEquals(200, shown.status(), shown.text());
        assertEquals("acme", shown.json().get("tenant").getStringValue());
        assertEquals("cross_tenant", assertEnvelope(send(as(tenantAdmin("globex"), "GET", "/admin/consumers/acme-partner", null)),
            403, "forbidden").get("details").get("reason").getStringValue());
    }

    @Test
    void tenantAdministratorsTokensAndClients_thenStampedAndScoped() {
        String acme = tenantAdmin("acme");
        ContractResponse issued = send(as(acme, "POST", "/v1/tokens", "{\"project\":\"alpha\",\"service\":\"orders\",\"ttl\":\"1h\"}"));
        assertEquals(201, issued.status(), issued.text());
        assertEquals("acme", verifiedClaims(issued.json().get("token").getStringValue()).get("tenant"));
        String jti = issued.json().get("jti").getStringValue();

        ContractResponse global = send(adminJson("POST", "/v1/tokens", "{\"project\":\"beta\",\"service\":\"billing\",\"ttl\":\"1h\"}"));
        String globalJti = global.json().get("jti").getStringValue();
        List<String> listed = ids(send(as(acme, "GET", "/v1/tokens", null)).json().get("tokens"), "jti");
        assertTrue(listed.contains(jti), listed.toString());
        assertFalse(listed.contains(globalJti), listed.toString());
        assertEquals("cross_tenant", assertEnvelope(send(as(acme, "DELETE", "/v1/tokens/" + globalJti, null)), 403, "forbidden")
            .get("details").get("reason").getStringValue());

        ContractResponse client = send(as(acme, "POST", "/admin/oauth-clients", "{\"scopes\":[\"read\"]}"));
        assertEquals(201, client.status(), client.text());
        assertEquals("acme", client.json().get("tenant").getStringValue());
        String clientId = client.json().get("client_id").getStringValue();
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + client.json().get("client_secret").getStringValue())
            .getBytes(StandardCharsets.UTF_8));
        ContractResponse token = send(ContractRequest.of("POST", "/oauth/token").header("Authorization", "Basic " + basic)
            .body("application/x-www-form-urlencoded", "grant_type=client_credentials"));
        assertEquals(200, token.status(), token.text());
        assertEquals("acme", verifiedClaims(token.json().get("access_token").getStringValue()).get("tenant"));
        assertEquals("cross_tenant", assertEnvelope(send(as(tenantAdmin("globex"), "GET", "/admin/oauth-clients/" + clientId, null)),
            403, "forbidden").get("details").get("reason").getStringValue());
        assertFalse(send(as(tenantAdmin("globex"), "GET", "/admin/oauth-clients", null)).text().contains(clientId));
    }

    @Test
    void anotherTenantsConsumerAndKeys_then403CrossTenantAndNothingChanges() {
        String acme = tenantAdmin("acme");
        assertEquals(201, send(as(acme, "POST", "/admin/consumers", "{\"name\":\"acme-keyholder\",\"groups\":[\"batch\"]}")).status());
        String keyId = send(as(acme, "POST", "/admin/consumers/acme-keyholder/keys", "{}")).json().get("id").getStringValue();

        String globex = tenantAdmin("globex");
        for (ContractRequest request : List.of(
            as(globex, "POST", "/admin/consumers/acme-keyholder/keys", "{}"),
            as(globex, "POST", "/admin/consumers/acme-keyholder/keys", "{\"rotate\":\"" + keyId + "\"}"),
            as(globex, "DELETE", "/admin/consumers/acme-keyholder/keys/" + keyId, null),
            as(globex, "PATCH", "/admin/consumers/acme-keyholder", "{\"groups\":[\"globex\"]}"),
            as(globex, "PUT", "/admin/consumers/acme-keyholder/groups", "{\"groups\":[\"globex\"]}"),
            as(globex, "DELETE", "/admin/consumers/acme-keyholder", null))) {
            JsonNode refused = assertEnvelope(send(request), 403, "forbidden");
            assertEquals("cross_tenant", refused.get("details").get("reason").getStringValue(), request.method() + " " + request.path());
        }
        JsonNode consumer = send(as(acme, "GET", "/admin/consumers/acme-keyholder", null)).json();
        assertEquals(List.of("batch"), List.of(consumer.get("groups").get(0).getStringValue()));
        assertEquals(1, consumer.get("keys").size(), "no key was minted or revoked: " + consumer);
        assertTrue(consumer.get("keys").get(0).get("active").getBooleanValue(), consumer.toString());
    }

    @Test
    void tenantRouteShowingCredentialsToTheDecisionService_then403NamingTheKey() {
        String acme = tenantAdmin("acme");
        if (send(as(acme, "GET", "/admin/upstreams/acme-opa-svc", null)).status() == 404) {
            upstreamOf(acme, "acme-opa-svc");
        }
        for (String forward : List.of("true", "\"true\"")) {
            JsonNode refused = assertEnvelope(put(acme, "/admin/routes/acme-opa", "{\"match\":{\"path\":\"/acme/opa/**\"},"
                + "\"upstream\":\"acme-opa-svc\",\"auth\":\"jwt\",\"authorization\":{\"opa\":{\"path\":\"acme/allow\","
                + "\"forward-credentials\":" + forward + "}}}"), 403, "forbidden");
            assertEquals("global_admin_required", refused.get("details").get("reason").getStringValue());
            assertEquals("authorization.opa.forward-credentials", refused.get("details").get("key").getStringValue());
            assertTrue(refused.get("message").getStringValue().contains("authorization.opa.forward-credentials"));
        }
        assertEquals(404, send(as(acme, "GET", "/admin/routes/acme-opa", null)).status(), "nothing was written");
    }

    @Test
    void tenantRouteOnAnotherTenantsUpstream_then403AndItNeverRoutesThere() {
        String globex = tenantAdmin("globex");
        if (send(as(globex, "GET", "/admin/upstreams/globex-private", null)).status() == 404) {
            upstreamOf(globex, "globex-private");
        }
        JsonNode refused = assertEnvelope(put(tenantAdmin("acme"), "/admin/routes/acme-borrow",
            "{\"match\":{\"path\":\"/acme/borrow/**\"},\"upstream\":\"globex-private\"}"), 403, "forbidden");
        assertEquals("cross_tenant", refused.get("details").get("reason").getStringValue());
        assertEquals(404, send(admin(ContractRequest.get("/admin/routes/acme-borrow"))).status(), "nothing was written");
        assertEquals(404, send(ContractRequest.get("/acme/borrow/x")).status(), "no route reaches the other tenant's upstream");
    }

    @Test
    void tenantAdministratorReadsTheAuditLog_thenOnlyItsTenantsEvents() {
        String globexChange = "tenancy-audit-globex-" + UUID.randomUUID();
        String acmeChange = "tenancy-audit-acme-" + UUID.randomUUID();
        assertEquals(201, send(as(tenantAdmin("globex"), "PUT", "/admin/upstreams/globex-audited",
            "{\"targets\":[\"" + upstream.url() + "\"]}").header("X-Request-ID", globexChange)).status());
        assertEquals(201, send(as(tenantAdmin("acme"), "PUT", "/admin/upstreams/acme-audited",
            "{\"targets\":[\"" + upstream.url() + "\"]}").header("X-Request-ID", acmeChange)).status());
        for (String requestId : List.of(globexChange, acmeChange)) {
            long millis = millisUntil(() -> send(admin(ContractRequest.get("/admin/audit?request_id=" + requestId))).json()
                .get("events").size() > 0, 5000);
            assertTrue(millis >= 0, "the global administrator never saw " + requestId);
        }

        String acme = tenantAdmin("acme");
        assertEquals(0, send(as(acme, "GET", "/admin/audit?request_id=" + globexChange, null)).json().get("events").size(),
            "another tenant's event");
        assertEquals(1, send(as(acme, "GET", "/admin/audit?request_id=" + acmeChange, null)).json().get("events").size());
        JsonNode all = send(as(acme, "GET", "/admin/audit?limit=1000", null)).json().get("events");
        assertEquals(List.of("acme"), ids(all, "tenant").stream().distinct().toList(), "every listed event is acme's");
        assertEquals("cross_tenant", assertEnvelope(send(as(acme, "GET", "/admin/audit?tenant=globex", null)), 403, "forbidden")
            .get("details").get("reason").getStringValue());
    }

    @Test
    void credentialsATenantAdministratorMinted_thenRefusedOnGlobalRoutesAndAdmittedWhereAnyTenantIsOpen() {
        String acme = tenantAdmin("acme");
        assertEquals(201, send(as(acme, "POST", "/admin/consumers", "{\"name\":\"acme-escalator\",\"groups\":[\"batch\"]}")).status());
        String key = send(as(acme, "POST", "/admin/consumers/acme-escalator/keys", "{}")).json().get("key").getStringValue();
        String token = send(as(acme, "POST", "/v1/tokens", "{\"project\":\"p\",\"service\":\"s\",\"subject\":\"root\",\"ttl\":\"1h\"}"))
            .json().get("token").getStringValue();
        ContractResponse client = send(as(acme, "POST", "/admin/oauth-clients", "{\"scopes\":[\"batch\"]}"));
        String basic = Base64.getEncoder().encodeToString((client.json().get("client_id").getStringValue() + ":"
            + client.json().get("client_secret").getStringValue()).getBytes(StandardCharsets.UTF_8));
        String clientToken = send(ContractRequest.of("POST", "/oauth/token").header("Authorization", "Basic " + basic)
            .body("application/x-www-form-urlencoded", "grant_type=client_credentials")).json().get("access_token").getStringValue();
        ContractRequest byKey = ContractRequest.get("/global-any-tenant/x").header("X-API-Key", key);
        assertTrue(millisUntil(() -> send(byKey).status() == 200, 5000) >= 0, "the tenant's key never reached the any-tenant route");

        Map<String, String> minted = Map.of("X-API-Key", key, "Authorization", "Bearer " + token);
        Map<String, String> oauth = Map.of("Authorization", "Bearer " + clientToken);
        for (Map<String, String> credential : List.of(minted, oauth)) {
            for (String path : List.of("/global-jwt/x", "/global-keyed/x")) {
                for (Map.Entry<String, String> header : credential.entrySet()) {
                    if (path.startsWith("/global-jwt") && !header.getKey().equals("Authorization")) {
                        continue; // auth: jwt does not look at API keys
                    }
                    JsonNode refused = assertEnvelope(send(ContractRequest.get(path).header(header.getKey(), header.getValue())),
                        403, "forbidden");
                    assertEquals("tenant_mismatch", refused.get("details").get("reason").getStringValue(), path + " " + header.getKey());
                    assertEquals("acme", refused.get("details").get("credential_tenant").getStringValue());
                }
            }
            for (Map.Entry<String, String> header : credential.entrySet()) {
                ContractResponse open = send(ContractRequest.get("/global-any-tenant/x").header(header.getKey(), header.getValue()));
                assertEquals(200, open.status(), header.getKey() + " " + open.text());
            }
        }
        // An identity provider's token is trusted for its tenant claim: it still reaches global routes.
        assertEquals(200, send(ContractRequest.get("/global-jwt/x").header("Authorization", "Bearer "
            + jwt("ann", Map.of("tenant", "acme")))).status());
    }

    @Test
    void anyTenantWithinATenantName_then400NamingTheField() {
        JsonNode refused = assertEnvelope(send(adminJson("PUT", "/admin/routes/star-r",
            "{\"match\":{\"path\":\"/star-r/**\"},\"upstream\":\"tenancy-global\",\"tenant\":\"acme-*\"}")), 400, "validation_failed");
        assertEquals(List.of("tenant"), ids(refused.get("details").get("problems"), "path"));
        JsonNode crossed = assertEnvelope(send(as(tenantAdmin("acme"), "PUT", "/admin/routes/acme-star",
            "{\"match\":{\"path\":\"/acme/star/**\"},\"upstream\":\"tenancy-global\",\"tenant\":\"*\"}")), 403, "forbidden");
        assertEquals("cross_tenant", crossed.get("details").get("reason").getStringValue());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "every path             | match.path | {\"match\":{\"path\":\"/**\"},\"upstream\":\"acme-confined\"}",
        "another tenant's path  | match.path | {\"match\":{\"path\":\"/globex/orders/**\"},\"upstream\":\"acme-confined\"}",
        "a look-alike prefix    | match.path | {\"match\":{\"path\":\"/acme-orders/**\"},\"upstream\":\"acme-confined\"}",
        "a host, every path     | match.path | {\"match\":{\"path\":\"/{x}/**\",\"host\":\"api.example.com\"},\"upstream\":\"acme-confined\"}",
        "a priority too high    | priority   | {\"match\":{\"path\":\"/acme/x/**\"},\"priority\":1000,\"upstream\":\"acme-confined\"}",
        "a global upstream      | upstream   | {\"match\":{\"path\":\"/acme/x/**\"},\"upstream\":\"tenancy-global\"}"})
    void tenantRouteBeyondItsConfinement_then400NamingTheField(String name, String field, String body) {
        String acme = tenantAdmin("acme");
        if (send(as(acme, "GET", "/admin/upstreams/acme-confined", null)).status() == 404) {
            upstreamOf(acme, "acme-confined");
        }
        JsonNode refused = assertEnvelope(put(acme, "/admin/routes/acme-confined-r", body), 400, "validation_failed");
        assertEquals(List.of(field.trim()), ids(refused.get("details").get("problems"), "path"), refused.get("message").getStringValue());
        assertEquals(404, send(as(acme, "GET", "/admin/routes/acme-confined-r", null)).status(), "nothing was written");
    }

    @Test
    void tenantRouteInItsPrefixOnAnAllowedGlobalUpstream_thenCreatedAndTheGlobalAdministratorIsUnconfined() {
        ContractResponse created = put(tenantAdmin("acme"), "/admin/routes/acme-shared",
            "{\"match\":{\"path\":\"/acme/shared/**\"},\"upstream\":\"tenancy-shared\",\"priority\":0}");
        assertEquals(201, created.status(), created.text());
        ContractResponse global = put(ADMIN, "/admin/routes/unconfined",
            "{\"match\":{\"path\":\"/unconfined/**\"},\"upstream\":\"tenancy-global\",\"priority\":1000}");
        assertEquals(201, global.status(), global.text());
        ContractResponse metadata = put(ADMIN, "/admin/upstreams/global-metadata", "{\"targets\":[\"http://169.254.169.254\"]}");
        assertEquals(201, metadata.status(), metadata.text());
        assertEquals(204, send(admin(ContractRequest.of("DELETE", "/admin/routes/unconfined"))).status());
        assertEquals(204, send(admin(ContractRequest.of("DELETE", "/admin/upstreams/global-metadata"))).status());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "cloud metadata        | targets[0]     | {\"targets\":[\"http://169.254.169.254/latest/meta-data\"]}",
        "another loopback      | targets[0]     | {\"targets\":[\"http://127.0.0.2:8080\"]}",
        "IPv6 loopback         | targets[0]     | {\"targets\":[\"http://[::1]:8080\"]}",
        "unspecified           | targets[0]     | {\"targets\":[\"http://0.0.0.0:8080\"]}",
        "IPv4-mapped loopback  | targets[0]     | {\"targets\":[\"http://[::ffff:127.0.0.3]:8080\"]}",
        "weighted target       | targets[1].url | {\"targets\":[\"http://127.0.0.1:9\",{\"url\":\"http://169.254.1.1\",\"weight\":2}]}",
        "url                   | url            | {\"url\":\"http://[fe80::1]:80\"}"})
    void tenantUpstreamTargetingAnInternalAddress_then400NamingTheField(String name, String field, String body) {
        JsonNode refused = assertEnvelope(put(tenantAdmin("acme"), "/admin/upstreams/acme-internal", body), 400, "validation_failed");
        assertEquals(List.of(field.trim()), ids(refused.get("details").get("problems"), "path"), refused.get("message").getStringValue());
    }

    @Test
    void twoTenantsCreateTheSameIdAtOnce_thenOneOwnsItAndTheOtherIs403() throws Exception {
        for (int round = 0; round < 8; round++) {
            String id = "contested-" + round + "-" + UUID.randomUUID().toString().substring(0, 8);
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<ContractResponse>> racers = new ArrayList<>();
            for (String tenant : List.of("acme", "globex")) {
                String credential = tenantAdmin(tenant);
                racers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return put(credential, "/admin/upstreams/" + id, "{\"targets\":[\"" + upstream.url() + "\"]}");
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<ContractResponse> racer : racers) {
                statuses.add(racer.get().status());
            }
            assertEquals(List.of(201, 403), statuses.stream().sorted().toList(), id + ": " + statuses);
            String winner = statuses.get(0) == 201 ? "acme" : "globex";
            ContractResponse stored = send(admin(ContractRequest.get("/admin/upstreams/" + id)));
            assertEquals(winner, stored.json().get("tenant").getStringValue(), id + " belongs to the tenant that was answered 201");
        }
    }
}
