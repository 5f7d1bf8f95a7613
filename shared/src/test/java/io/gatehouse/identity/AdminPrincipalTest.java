package io.gatehouse.identity;

import io.gatehouse.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link AdminPrincipal}'s tenant scope: what the global and a tenant administrator reach, the
 * tenant stamped on what they create, and the 403 envelopes' reasons.
 */
class AdminPrincipalTest {

    private static final AdminPrincipal ACME = new AdminPrincipal("ann", "jwt", "acme");

    @ParameterizedTest(name = "{0} reaches an object of {1}: {2}")
    @CsvSource(nullValues = "none", value = {
        "global, acme, true",
        "global, none, true",
        "acme, acme, true",
        "acme, globex, false",
        "acme, none, false"})
    void objectOwner_thenReachedOrRefusedWithCrossTenant(String admin, String owner, boolean reached) {
        AdminPrincipal principal = admin.equals("global") ? AdminPrincipal.GLOBAL : ACME;
        assertEquals(reached, principal.reaches(owner));
        if (reached) {
            assertDoesNotThrow(() -> principal.check(owner, "route", "r"));
        } else {
            GatewayException e = assertThrows(GatewayException.class, () -> principal.check(owner, "route", "r"));
            assertEquals(403, e.errorCode().status().getCode());
            assertEquals("cross_tenant", e.details().get("reason"));
            assertEquals("r", e.details().get("id"));
        }
    }

    @ParameterizedTest(name = "{0} asking for {1} -> {2}")
    @CsvSource(nullValues = "none", value = {
        "global, none, none",
        "global, globex, globex",
        "acme, none, acme",
        "acme, acme, acme"})
    void createdObject_thenStampedWithTheTenant(String admin, String requested, String stamped) {
        AdminPrincipal principal = admin.equals("global") ? AdminPrincipal.GLOBAL : ACME;
        assertEquals(stamped, principal.stamp(requested, "consumer", "c"));
    }

    @Test
    void tenantAdministratorNamingAnotherTenant_then403CrossTenant() {
        GatewayException e = assertThrows(GatewayException.class, () -> ACME.stamp("globex", "consumer", "c"));
        assertEquals("cross_tenant", e.details().get("reason"));
        assertEquals("globex", e.details().get("tenant"));
    }

    @Test
    void globalOnlyAction_thenTenantAdministratorRefused() {
        assertDoesNotThrow(() -> AdminPrincipal.GLOBAL.requireGlobal("reload"));
        GatewayException e = assertThrows(GatewayException.class, () -> ACME.requireGlobal("reload"));
        assertEquals(403, e.errorCode().status().getCode());
        assertEquals("global_admin_required", e.details().get("reason"));
        assertNull(AdminPrincipal.GLOBAL.tenant());
    }
}
