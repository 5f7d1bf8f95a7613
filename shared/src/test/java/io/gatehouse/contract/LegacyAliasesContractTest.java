package io.gatehouse.contract;

import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.TestRoutes;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Legacy aliases are switchable, and a route that loses owned paths is told so: with
 * {@code gateway.legacy-aliases.health: false} a user's route for {@code /health} reaches its
 * backend while {@code /v1/health} stays the gateway's; with {@code /openapi.json} left on, the
 * route for it is shown in the admin API with the path it cannot reach, and so is an admin write
 * whose pattern covers gateway endpoints.
 */
public abstract class LegacyAliasesContractTest extends IdentityContractSupport {

    private final EchoUpstream backend = EchoUpstream.start("backend");

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.legacy-aliases.health", false);
        properties.put("gateway.upstreams.backend.targets", List.of(backend.url()));
        TestRoutes.put(properties, 0, "backend-health", "/health", "backend", Map.of());
        TestRoutes.put(properties, 1, "backend-openapi", "/openapi.json", "backend", Map.of());
        return properties;
    }

    @AfterAll
    void stopBackend() {
        backend.close();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.values().forEach(v -> out.add(v.getStringValue()));
        }
        return out;
    }

    @Test
    void healthAliasOff_thenTheUsersRouteTakesThePath() {
        ContractResponse health = send(ContractRequest.get("/health"));
        assertEquals(200, health.status(), health.text());
        assertEquals("/health", health.header("X-Echo-Path").orElse(null), "proxied to the route's backend");

        ContractResponse versioned = send(ContractRequest.get("/v1/health"));
        assertFalse(versioned.header("X-Echo-Path").isPresent(), "the versioned endpoint stays the gateway's");
        assertTrue(versioned.json().get("checks").isObject(), versioned.text());
        assertNull(send(admin(ContractRequest.get("/admin/routes/backend-health"))).json().get("unreachable_paths"));
    }

    @Test
    void openapiAliasOn_thenTheRouteLosesThePathAndTheAdminApiSaysSo() {
        ContractResponse document = send(ContractRequest.get("/openapi.json"));
        assertEquals(200, document.status(), document.text());
        assertFalse(document.header("X-Echo-Path").isPresent(), "the alias is the gateway's");
        assertTrue(document.json().get("openapi").isString(), document.text());

        ContractResponse route = send(admin(ContractRequest.get("/admin/routes/backend-openapi")));
        assertEquals(200, route.status(), route.text());
        assertEquals(List.of("/openapi.json"), strings(route.json().get("unreachable_paths")));
    }

    @Test
    void adminWriteOfARouteOverGatewayEndpoints_thenTheAnswerNamesTheOwnedPathsItLoses() {
        ContractResponse written = send(adminJson("PUT", "/admin/routes/admin-shadow",
            "{\"match\":{\"path\":\"/admin/**\"},\"upstream\":\"backend\",\"retries\":0}"));
        assertEquals(201, written.status(), written.text());
        List<String> lost = strings(written.json().get("unreachable_paths"));
        assertTrue(lost.containsAll(List.of("/admin/routes", "/admin/routes/{id}", "/admin/upstreams")), lost.toString());
        assertTrue(lost.stream().allMatch(p -> p.startsWith("/admin/")), lost.toString());
        try {
            ContractResponse elsewhere = send(ContractRequest.get("/admin/elsewhere"));
            assertEquals("/admin/elsewhere", elsewhere.header("X-Echo-Path").orElse(null),
                "a path under /admin that the gateway does not own goes to the route: " + elsewhere.text());
            assertFalse(send(admin(ContractRequest.get("/admin/routes"))).header("X-Echo-Path").isPresent());
        } finally {
            assertEquals(204, send(admin(ContractRequest.of("DELETE", "/admin/routes/admin-shadow"))).status());
        }
    }
}
