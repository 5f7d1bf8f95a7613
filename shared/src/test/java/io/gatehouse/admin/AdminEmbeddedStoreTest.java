package io.gatehouse.admin;

import io.gatehouse.observability.health.CheckResult;
import io.gatehouse.observability.health.HealthService;
import io.gatehouse.observability.health.HealthStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.gatehouse.admin.AdminControllerTest.ROUTE;
import static io.gatehouse.admin.AdminControllerTest.UPSTREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The embedded default: the same store on H2 in memory, migrated by the same Flyway scripts,
 * without NOTIFY (one node).
 */
class AdminEmbeddedStoreTest {

    @TempDir
    Path dir;

    @Test
    void h2Store_thenChangesPersistForTheLifeOfTheDatabase() {
        String h2 = AdminTestGateway.h2Url();
        Path file = AdminTestGateway.writeFile(dir.resolve("gatehouse.yml"));
        try (AdminTestGateway gateway = AdminTestGateway.start(h2, file, Map.of())) {
            assertFalse(gateway.context().getBean(AdminChangeListener.class).status() == AdminChangeListener.Status.LISTENING);
            assertEquals(201, gateway.admin("PUT", "/admin/upstreams/made", UPSTREAM).statusCode());
            assertEquals(201, gateway.admin("PUT", "/admin/routes/made-route", ROUTE).statusCode());
            assertEquals("made-route", gateway.routeFor("/made/x"));
            CheckResult store = gateway.context().getBean(HealthService.class).report().checks().get("admin-store");
            assertEquals(HealthStatus.OK, store.status(), String.valueOf(store));
            assertEquals(2L, ((Number) store.details().get("revision_stored")).longValue());
        }
        // DB_CLOSE_DELAY=-1 keeps the in-memory database for the JVM's life: a second start finds the
        // schema migrated and the objects there.
        try (AdminTestGateway again = AdminTestGateway.start(h2, file, Map.of())) {
            assertEquals("made-route", again.routeFor("/made/x"));
        }
    }
}
