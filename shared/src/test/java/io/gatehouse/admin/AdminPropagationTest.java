package io.gatehouse.admin;

import io.gatehouse.observability.health.CheckResult;
import io.gatehouse.observability.health.HealthService;
import io.gatehouse.observability.health.HealthStatus;
import io.gatehouse.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.gatehouse.admin.AdminControllerTest.ROUTE;
import static io.gatehouse.admin.AdminControllerTest.UPSTREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admin changes persist in PostgreSQL and reach every instance: two gateways (two application
 * contexts, each with its own server) on one schema.
 */
class AdminPropagationTest {

    private static final Duration PROPAGATION = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private String schema;
    private String url;
    private Path file;

    @BeforeEach
    void schema() {
        schema = AdminTestGateway.newSchema();
        url = AdminTestGateway.postgresSchemaUrl(schema);
        file = AdminTestGateway.writeFile(dir.resolve("gatehouse.yml"));
    }

    @AfterEach
    void drop() {
        AdminTestGateway.dropSchema(schema);
    }

    @Test
    void changeOnOneInstance_thenTheOtherRoutesByItWithin2s() {
        try (AdminTestGateway a = AdminTestGateway.start(url, file, Map.of());
             AdminTestGateway b = AdminTestGateway.start(url, file, Map.of())) {
            AdminTestGateway.await(PROPAGATION, () -> b.context().getBean(AdminChangeListener.class).status()
                == AdminChangeListener.Status.LISTENING, "B listens");
            assertNull(b.routeFor("/made/x"));

            assertEquals(201, a.admin("PUT", "/admin/upstreams/made", UPSTREAM).statusCode());
            assertEquals(201, a.admin("PUT", "/admin/routes/made-route", ROUTE).statusCode());
            AdminTestGateway.await(PROPAGATION, () -> "made-route".equals(b.routeFor("/made/x")), "B routes by A's new route");

            assertEquals(200, b.admin("PUT", "/admin/routes/made-route", ROUTE.replace("/made/**", "/moved/**")).statusCode());
            AdminTestGateway.await(PROPAGATION, () -> "made-route".equals(a.routeFor("/moved/x")), "A sees B's replacement");
            assertNull(a.routeFor("/made/x"));

            assertEquals(204, a.admin("DELETE", "/admin/routes/made-route", null).statusCode());
            AdminTestGateway.await(PROPAGATION, () -> b.routeFor("/moved/x") == null, "B drops the deleted route");
            assertEquals("file-route", b.routeFor("/file/x"));
        }
    }

    @Test
    void restart_thenAdminObjectsInForceFromTheStart() {
        try (AdminTestGateway a = AdminTestGateway.start(url, file, Map.of())) {
            assertEquals(201, a.admin("PUT", "/admin/upstreams/made", UPSTREAM).statusCode());
            assertEquals(201, a.admin("PUT", "/admin/routes/made-route", ROUTE).statusCode());
        }
        try (AdminTestGateway again = AdminTestGateway.start(url, file, Map.of())) {
            assertEquals("made-route", again.routeFor("/made/x"));
            HttpResponse<String> read = again.admin("GET", "/admin/upstreams/made", null);
            assertEquals(200, read.statusCode(), read.body());
            assertEquals(false, again.json(read).get("read_only"));
        }
    }

    @Test
    void instanceWithoutBackgroundThreads_thenChecksTheRevisionBeforeARequest() {
        Map<String, Object> lambdaLike = Map.of("gateway.admin.listen", false, "gateway.admin.check-on-request", true);
        try (AdminTestGateway a = AdminTestGateway.start(url, file, Map.of());
             AdminTestGateway b = AdminTestGateway.start(url, file, lambdaLike)) {
            assertFalse(b.context().containsBean(AdminChangeListener.class), "no listener thread");
            assertEquals(201, a.admin("PUT", "/admin/upstreams/made", UPSTREAM).statusCode());
            assertEquals(201, a.admin("PUT", "/admin/routes/made-route", ROUTE).statusCode());
            // Each request may trigger one check, at most once per second.
            AdminTestGateway.await(PROPAGATION, () -> {
                assertEquals(200, b.send("GET", "/ping", null, null).statusCode());
                return "made-route".equals(b.routeFor("/made/x"));
            }, "B sees the change on its next requests");
        }
    }

    @Test
    void storeSlowerThanTheStartupTimeout_thenAdminObjectsLoadedInTheBackground() {
        try (AdminTestGateway a = AdminTestGateway.start(url, file, Map.of())) {
            assertEquals(201, a.admin("PUT", "/admin/upstreams/made", UPSTREAM).statusCode());
            assertEquals(201, a.admin("PUT", "/admin/routes/made-route", ROUTE).statusCode());
        }
        // 1 ms is less than any first read (Flyway validates the schema first), and no listener
        // catches up: the background retry has to.
        try (AdminTestGateway late = AdminTestGateway.start(url, file, Map.of(
            "gateway.admin.startup-timeout", "1ms", "gateway.admin.listen", false))) {
            assertEquals("file-route", late.routeFor("/file/x"));
            AdminTestGateway.await(Duration.ofSeconds(5), () -> "made-route".equals(late.routeFor("/made/x")),
                "the store is loaded once it answers");
        }
    }

    @Test
    void databaseUnreachable_thenStartsOnTheFileAndHealthReportsTheStore() {
        String unreachable = "jdbc:postgresql://127.0.0.1:" + TestUpstream.closedPort() + "/test";
        try (AdminTestGateway gateway = AdminTestGateway.start(unreachable, file, Map.of(
            "datasources.default.connection-timeout", 250,
            "gateway.admin.startup-timeout", "1s",
            "gateway.admin.listen", false,
            "gateway.admin.check-on-request", true))) {
            assertEquals("file-route", gateway.routeFor("/file/x"));
            CheckResult store = gateway.context().getBean(HealthService.class).report().checks().get("admin-store");
            assertEquals(HealthStatus.DOWN, store.status(), String.valueOf(store));
            assertFalse(store.critical());
            assertEquals(false, store.details().get("loaded"));

            HttpResponse<String> list = gateway.admin("GET", "/admin/routes", null);
            assertEquals(200, list.statusCode(), list.body());
            HttpResponse<String> put = gateway.admin("PUT", "/admin/upstreams/made", UPSTREAM);
            assertEquals(503, put.statusCode(), put.body());
            assertTrue(put.headers().firstValue("Retry-After").isPresent());
        }
    }
}
