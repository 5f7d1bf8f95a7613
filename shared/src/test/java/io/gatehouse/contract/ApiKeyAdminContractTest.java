package io.gatehouse.contract;

import io.gatehouse.identity.Secrets;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.gatehouse.contract.FoundationContractTest.assertEnvelope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumers, groups and API keys through {@code /admin/consumers} over the real PostgreSQL and
 * Redis, with a consumer declared in the definition (read-only): keys shown once, found by the
 * request path's look-up, revoked and rotated; the same on Netty and on both Lambda payloads.
 */
public abstract class ApiKeyAdminContractTest extends IdentityContractSupport {

    /** The key of the declared consumer; only its hash is configured. */
    private static final String DECLARED_KEY = "gh_partner_" + "s3cr3t-declared-key-value-0123456789";

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.consumers.partner.groups", List.of("partners", "read-only"));
        properties.put("gateway.consumers.partner.keys", List.of(Map.of("id", "partner-2026", "sha256", Secrets.sha256(DECLARED_KEY))));
        // An api-key route open to the "partners" group, to a port where nothing listens:
        // admitted requests get 502, refused ones 401 or 403.
        properties.put("gateway.upstreams.nowhere.targets", List.of("http://127.0.0.1:" + io.gatehouse.testing.TestUpstream.closedPort()));
        properties.put("gateway.routes[0].id", "partners-only");
        properties.put("gateway.routes[0].match.path", "/partner-api/**");
        properties.put("gateway.routes[0].upstream", "nowhere");
        properties.put("gateway.routes[0].auth", "api-key");
        properties.put("gateway.routes[0].authorization.roles", List.of("partners"));
        properties.put("gateway.routes[0].retries", 0);
        return properties;
    }

    private JsonNode createConsumer(String name, String groupsJson) {
        ContractResponse response = send(adminJson("POST", "/admin/consumers", "{\"name\":\"" + name + "\",\"groups\":" + groupsJson + "}"));
        assertEquals(201, response.status(), response.text());
        return response.json();
    }

    private JsonNode createKey(String consumer, String json) {
        ContractResponse response = send(adminJson("POST", "/admin/consumers/" + consumer + "/keys", json));
        assertEquals(201, response.status(), response.text());
        assertEquals("no-store", response.header("Cache-Control").orElse(null));
        return response.json();
    }

    /** What the request path's look-up answers for a key, as a request carrying it. */
    private ContractResponse lookup(String key) {
        return send(ContractRequest.get("/contract/identity/api-key").header("X-API-Key", key));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.values().forEach(v -> out.add(v.getStringValue()));
        return out;
    }

    @Test
    void apiKeyRoute_thenAdmitsTheGroupAndRefusesOthers() {
        ContractRequest call = ContractRequest.get("/partner-api/orders");
        assertEquals(502, send(call.header("X-API-Key", DECLARED_KEY)).status(), "a partners key is admitted");
        createConsumer("outsider", "[\"public\"]");
        String outsider = createKey("outsider", "{}").get("key").getStringValue();
        long millis = millisUntil(() -> send(call.header("X-API-Key", outsider)).status() != 401, 5000);
        assertTrue(millis >= 0, "the new key was never recognised");
        JsonNode denied = assertEnvelope(send(call.header("X-API-Key", outsider)), 403, "forbidden");
        assertEquals("missing_role", denied.get("details").get("reason").getStringValue());
        assertEquals("invalid_api_key", assertEnvelope(send(call.header("X-API-Key", "gh_nope_nope")), 401, "unauthorized")
            .get("details").get("reason").getStringValue());
        assertEquals("missing_credentials", assertEnvelope(send(call), 401, "unauthorized")
            .get("details").get("reason").getStringValue());
    }

    @Test
    void createKeyWithoutABody_thenCreatedAndFound() {
        createConsumer("bodiless", "[\"g\"]");
        ContractResponse response = send(admin(ContractRequest.of("POST", "/admin/consumers/bodiless/keys")));
        assertEquals(201, response.status(), response.text());
        assertEquals("no-store", response.header("Cache-Control").orElse(null));
        JsonNode key = response.json();
        assertNull(key.get("rotated"), response.text());
        ContractResponse found = lookup(key.get("key").getStringValue());
        assertEquals(200, found.status(), found.text());
        assertEquals("bodiless", found.json().get("consumer").getStringValue());
        assertEquals(key.get("id").getStringValue(), found.json().get("key_id").getStringValue());
    }

    @Test
    void createKeyWithAJsonContentTypeAndNoBytes_thenCreated() {
        createConsumer("empty-bodied", "[]");
        ContractResponse response = send(admin(ContractRequest.of("POST", "/admin/consumers/empty-bodied/keys").body("application/json", "")));
        assertEquals(201, response.status(), response.text());
        assertEquals(200, lookup(response.json().get("key").getStringValue()).status());
    }

    @Test
    void rotateWithoutABodyThenWithOptions_thenOldExpiresWithTheOverlap() {
        createConsumer("bodiless-rotating", "[]");
        ContractResponse first = send(admin(ContractRequest.of("POST", "/admin/consumers/bodiless-rotating/keys")));
        assertEquals(201, first.status(), first.text());
        JsonNode rotated = createKey("bodiless-rotating",
            "{\"rotate\":\"" + first.json().get("id").getStringValue() + "\",\"overlap\":\"1h\",\"ttl\":\"30d\"}");
        assertEquals(first.json().get("id").getStringValue(), rotated.get("rotated").get("id").getStringValue());
        assertFalse(rotated.get("rotated").get("expires_at").getStringValue().isBlank());
        assertEquals(200, lookup(first.json().get("key").getStringValue()).status());
        assertEquals(200, lookup(rotated.get("key").getStringValue()).status());
    }

    @Test
    void createKeyWithAnUnknownField_thenRefusedByNameAndNoKeyCreated() {
        createConsumer("unknowing", "[]");
        ContractResponse response = send(adminJson("POST", "/admin/consumers/unknowing/keys", "{\"ttl\":\"1h\",\"rotation\":\"k1\"}"));
        JsonNode error = assertEnvelope(response, 400, "invalid_json");
        assertEquals("unknown_field", error.get("details").get("rule").getStringValue(), response.text());
        assertEquals("rotation", error.get("details").get("field").getStringValue(), response.text());
        List<String> accepted = strings(error.get("details").get("accepted"));
        assertEquals(List.of("overlap", "rotate", "ttl"), accepted, response.text());
        ContractResponse shown = send(admin(ContractRequest.get("/admin/consumers/unknowing")));
        assertEquals(0, shown.json().get("keys").size(), shown.text());
    }

    @Test
    void createKeyWithInvalidJson_thenInvalidJsonEnvelope() {
        createConsumer("garbled", "[]");
        ContractResponse response = send(adminJson("POST", "/admin/consumers/garbled/keys", "{\"ttl\":"));
        assertEquals("truncated", assertEnvelope(response, 400, "invalid_json").get("details").get("rule").getStringValue(), response.text());
    }

    @Test
    void createKeyWithATextBody_thenRefusedAs415() {
        createConsumer("texted", "[]");
        assertEnvelope(send(admin(ContractRequest.of("POST", "/admin/consumers/texted/keys").body("text/plain", "ttl=1h"))),
            415, "unsupported_media_type");
    }

    @Test
    void createConsumerAndKey_thenKeyShownOnceAndFoundWithGroups() {
        createConsumer("billing", "[\"internal\",\"billing\"]");
        JsonNode key = createKey("billing", "{}");
        String secret = key.get("key").getStringValue();
        assertTrue(secret.startsWith("gh_" + key.get("id").getStringValue() + "_"), secret);
        assertEquals("X-API-Key", key.get("header").getStringValue());

        ContractResponse found = lookup(secret);
        assertEquals(200, found.status(), found.text());
        assertEquals("billing", found.json().get("consumer").getStringValue());
        assertEquals(List.of("internal", "billing"), strings(found.json().get("groups")));

        ContractResponse shown = send(admin(ContractRequest.get("/admin/consumers/billing")));
        assertEquals(200, shown.status(), shown.text());
        assertFalse(shown.text().contains(secret), "the key is never shown again");
        assertEquals(key.get("id").getStringValue(), shown.json().get("keys").values().iterator().next().get("id").getStringValue());
    }

    @Test
    void unknownKey_thenNotFound() {
        assertEquals(401, lookup("gh_000000000000_not-a-key").status());
    }

    @Test
    void updateGroups_thenLookupSeesThem() {
        createConsumer("reports", "[\"a\"]");
        String secret = createKey("reports", "{}").get("key").getStringValue();
        ContractResponse updated = send(adminJson("PATCH", "/admin/consumers/reports", "{\"groups\":[\"b\",\"c\"]}"));
        assertEquals(200, updated.status(), updated.text());
        assertEquals(List.of("b", "c"), strings(updated.json().get("groups")));
        assertEquals(List.of("b", "c"), strings(lookup(secret).json().get("groups")));
    }

    @Test
    void revokeKey_thenRefused() {
        createConsumer("revoking", "[]");
        JsonNode key = createKey("revoking", "{}");
        String secret = key.get("key").getStringValue();
        assertEquals(200, lookup(secret).status());
        assertEquals(204, send(admin(ContractRequest.of("DELETE", "/admin/consumers/revoking/keys/" + key.get("id").getStringValue()))).status());
        assertEquals(401, lookup(secret).status());
        assertEnvelope(send(admin(ContractRequest.of("DELETE", "/admin/consumers/revoking/keys/nope"))), 404, "not_found");
    }

    @Test
    void rotateWithoutOverlap_thenOldRefusedNewAccepted() {
        createConsumer("rotating", "[]");
        JsonNode old = createKey("rotating", "{}");
        JsonNode rotated = createKey("rotating", "{\"rotate\":\"" + old.get("id").getStringValue() + "\"}");
        assertEquals(old.get("id").getStringValue(), rotated.get("rotated").get("id").getStringValue());
        assertEquals(401, lookup(old.get("key").getStringValue()).status());
        assertEquals(200, lookup(rotated.get("key").getStringValue()).status());
    }

    @Test
    void rotateWithOverlap_thenBothAcceptedAndOldExpires() {
        createConsumer("overlapping", "[]");
        JsonNode old = createKey("overlapping", "{}");
        JsonNode rotated = createKey("overlapping", "{\"rotate\":\"" + old.get("id").getStringValue() + "\",\"overlap\":\"1h\"}");
        assertFalse(rotated.get("rotated").get("expires_at").getStringValue().isBlank());
        assertEquals(200, lookup(old.get("key").getStringValue()).status());
        assertEquals(200, lookup(rotated.get("key").getStringValue()).status());
    }

    @Test
    void deleteConsumer_thenItsKeysRefused() {
        createConsumer("leaving", "[]");
        String secret = createKey("leaving", "{}").get("key").getStringValue();
        assertEquals(204, send(admin(ContractRequest.of("DELETE", "/admin/consumers/leaving"))).status());
        assertEquals(401, lookup(secret).status());
        assertEnvelope(send(admin(ContractRequest.get("/admin/consumers/leaving"))), 404, "not_found");
    }

    @Test
    void duplicateConsumer_then409() {
        createConsumer("twice", "[]");
        assertEnvelope(send(adminJson("POST", "/admin/consumers", "{\"name\":\"twice\"}")), 409, "conflict");
    }

    @Test
    void declaredConsumer_thenListedFoundAndItsKeyAccepted() {
        ContractResponse shown = send(admin(ContractRequest.get("/admin/consumers/partner")));
        assertEquals(200, shown.status(), shown.text());
        assertEquals("file", shown.json().get("source").getStringValue());
        ContractResponse found = lookup(DECLARED_KEY);
        assertEquals(200, found.status(), found.text());
        assertEquals("partner", found.json().get("consumer").getStringValue());
        assertEquals("partner-2026", found.json().get("key_id").getStringValue());
        assertEquals(List.of("partners", "read-only"), strings(found.json().get("groups")));

        List<String> names = new ArrayList<>();
        send(admin(ContractRequest.get("/admin/consumers"))).json().get("consumers").values()
            .forEach(c -> names.add(c.get("name").getStringValue()));
        assertTrue(names.contains("partner"), names.toString());
    }

    static Stream<Arguments> declaredChanges() {
        return Stream.of(
            Arguments.of("create", adminJson("POST", "/admin/consumers", "{\"name\":\"partner\"}")),
            Arguments.of("update groups", adminJson("PATCH", "/admin/consumers/partner", "{\"groups\":[\"x\"]}")),
            Arguments.of("delete", admin(ContractRequest.of("DELETE", "/admin/consumers/partner"))),
            Arguments.of("create key", adminJson("POST", "/admin/consumers/partner/keys", "{}")),
            Arguments.of("revoke key", admin(ContractRequest.of("DELETE", "/admin/consumers/partner/keys/partner-2026"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("declaredChanges")
    void changeDeclaredConsumer_then409(String name, ContractRequest request) {
        JsonNode error = assertEnvelope(send(request), 409, "conflict");
        assertEquals("file", error.get("details").get("source").getStringValue());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
            Arguments.of("no name", "/admin/consumers", "{\"groups\":[]}"),
            Arguments.of("bad name", "/admin/consumers", "{\"name\":\"a b\"}"),
            Arguments.of("bad group", "/admin/consumers", "{\"name\":\"fine\",\"groups\":[\"no,commas\"]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidConsumer_then400(String name, String path, String json) {
        assertEnvelope(send(adminJson("POST", path, json)), 400, "validation_failed");
    }

    @Test
    void withoutAdminToken_then401() {
        assertEnvelope(send(ContractRequest.get("/admin/consumers")), 401, "unauthorized");
    }

    @Test
    void keyCreatedOnA_thenAcceptedByBWithinOneSecond() {
        GatewayTransport b = runtime().start(properties());
        try {
            createConsumer("spread", "[\"g\"]");
            String secret = createKey("spread", "{}").get("key").getStringValue();
            long millis = millisUntil(() -> b.send(ContractRequest.get("/contract/identity/api-key").header("X-API-Key", secret)).status() == 200, 5000);
            assertTrue(millis >= 0 && millis <= 1000, "B accepted after " + millis + " ms (-1: never)");
        } finally {
            b.close();
        }
    }
}
