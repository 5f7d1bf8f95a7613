package io.gatehouse.admin;

import io.gatehouse.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a tenant administrator's route may not set: {@code authorization.opa.forward-credentials}
 * is refused by name unless {@code gateway.admin.tenants.forward-credentials} allows it.
 */
class TenantConfinementTest {

    private static Map<String, Object> route(Object forward) {
        return Map.of("match", Map.of("path", "/acme/x/**"), "upstream", "acme-svc",
            "authorization", Map.of("opa", Map.of("path", "acme/allow", "forward-credentials", forward)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", " true "})
    void forwardCredentialsSetByATenantAdministrator_then403NamingTheKey(String text) {
        TenantConfinement confinement = new TenantConfinement(new TenantAdminConfiguration());
        for (Object forward : new Object[] {Boolean.TRUE, text}) {
            GatewayException refused = assertThrows(GatewayException.class, () -> confinement.checkRouteOptions("acme-r", route(forward)));
            assertEquals(403, refused.errorCode().status().getCode());
            assertEquals("global_admin_required", refused.details().get("reason"));
            assertEquals("authorization.opa.forward-credentials", refused.details().get("key"));
            assertTrue(refused.getMessage().contains("'acme-r'"), refused.getMessage());
        }
    }

    @Test
    void forwardCredentialsOffOrAbsent_thenAccepted() {
        TenantConfinement confinement = new TenantConfinement(new TenantAdminConfiguration());
        assertDoesNotThrow(() -> confinement.checkRouteOptions("acme-r", route(false)));
        assertDoesNotThrow(() -> confinement.checkRouteOptions("acme-r",
            Map.of("authorization", Map.of("opa", "acme/allow"), "upstream", "acme-svc")));
        assertDoesNotThrow(() -> confinement.checkRouteOptions("acme-r", Map.of("upstream", "acme-svc")));
    }

    @Test
    void forwardCredentialsAllowedByTheOperator_thenAccepted() {
        TenantAdminConfiguration configuration = new TenantAdminConfiguration();
        configuration.setForwardCredentials(true);
        assertDoesNotThrow(() -> new TenantConfinement(configuration).checkRouteOptions("acme-r", route(true)));
    }
}
