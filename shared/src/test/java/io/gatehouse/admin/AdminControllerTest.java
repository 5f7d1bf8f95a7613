package io.gatehouse.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API over real HTTP against a gateway whose store is a PostgreSQL schema of its own.
 */
class AdminControllerTest {

    static final String UPSTREAM = """
        {"targets": [{"url": "http://127.0.0.1:8081", "weight": 2}], "load-balancer": "weighted"}
        """;

    static final String ROUTE = """
        {"match": {"path": "/made/**", "methods": ["GET"]}, "strip-prefix": true, "upstream": "made",
         "timeouts": {"connect": "2s"}}
        """;

    @TempDir
    Path dir;
    private String schema;
    private AdminTestGateway gateway;

    @BeforeEach
    void start() {
        schema = AdminTestGateway.newSchema();
        gateway = AdminTestGateway.start(AdminTestGateway.postgresSchemaUrl(schema),
            AdminTestGateway.writeFile(dir.resolve("gatehouse.yml")), Map.of());
    }

    @AfterEach
    void stop() {
        gateway.close();
        AdminTestGateway.dropSchema(schema);
    }

    static Stream<Arguments> credentials() {
        return Stream.of(
            Arguments.of("no Authorization header", null, 401, "Bearer realm=\"gatehouse-admin\""),
            Arguments.of("another scheme", "Basic YWRtaW46YWRtaW4=", 401, "Bearer realm=\"gatehouse-admin\""),
            Arguments.of("wrong token", "Bearer not-the-token", 401, "Bearer realm=\"gatehouse-admin\", error=\"invalid_token\""),
            Arguments.of("token of another length", "Bearer x", 401, "Bearer realm=\"gatehouse-admin\", error=\"invalid_token\""),
            Arguments.of("right token", "Bearer " + AdminTestGateway.TOKEN, 200, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("credentials")
    void credential_thenStatusAndChallenge(String name, String authorization, int status, String challenge) {
        HttpResponse<String> response = gateway.send("GET", "/admin/routes", authorization, null);
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(challenge, response.headers().firstValue("WWW-Authenticate").orElse(null));
        if (status == 401) {
            assertEquals("unauthorized", error(response).get("code"));
        }
    }

    @Test
    void noTokenConfigured_then404AsIfAbsent() {
        try (AdminTestGateway closed = AdminTestGateway.start(AdminTestGateway.h2Url(),
            AdminTestGateway.writeFile(dir.resolve("closed.yml")), Map.of("gateway.admin.token", ""))) {
            for (String authorization : new String[] {null, "Bearer " + AdminTestGateway.TOKEN, "Bearer "}) {
                HttpResponse<String> response = closed.send("GET", "/admin/routes", authorization, null);
                assertEquals(404, response.statusCode(), response.body());
                assertEquals("not_found", error(response).get("code"));
                assertTrue(response.headers().firstValue("WWW-Authenticate").isEmpty());
            }
            assertEquals(404, closed.admin("PUT", "/admin/upstreams/x", UPSTREAM).statusCode());
        }
    }

    @Test
    void servicesRequiringAdmin_then401WithoutTheTokenAndTheListingWithIt() {
        try (AdminTestGateway guarded = AdminTestGateway.start(AdminTestGateway.h2Url(),
            AdminTestGateway.writeFile(dir.resolve("guarded.yml")), Map.of("gateway.services.require-admin", "true"))) {
            HttpResponse<String> refused = guarded.send("GET", "/v1/services", null, null);
            assertEquals(401, refused.statusCode(), refused.body());
            assertEquals("unauthorized", guarded.json(refused).get("error") instanceof Map<?, ?> e ? e.get("code") : null);
            HttpResponse<String> listed = guarded.send("GET", "/v1/services", "Bearer " + AdminTestGateway.TOKEN, null);
            assertEquals(200, listed.statusCode(), listed.body());
            assertTrue(listed.body().contains("\"file-route\""), listed.body());
        }
        HttpResponse<String> open = gateway.send("GET", "/v1/services", null, null);
        assertEquals(200, open.statusCode(), "without the setting the listing answers anyone: " + open.body());
    }

    @Test
    void crudRoundTrip_thenTableSwappedBeforeEachAnswer() {
        HttpResponse<String> created = gateway.admin("PUT", "/admin/upstreams/made", UPSTREAM);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("admin API", gateway.json(created).get("source"));
        assertTrue(gateway.state().current().upstreams().containsKey("made"));

        HttpResponse<String> route = gateway.admin("PUT", "/admin/routes/made-route", ROUTE);
        assertEquals(201, route.statusCode(), route.body());
        assertEquals("made-route", gateway.routeFor("/made/anything"), "in force when the PUT answered");

        Map<String, Object> read = gateway.json(gateway.admin("GET", "/admin/routes/made-route", null));
        assertEquals(false, read.get("read_only"));
        @SuppressWarnings("unchecked")
        Map<String, Object> definition = (Map<String, Object>) read.get("definition");
        assertEquals("made-route", definition.get("id"));
        assertEquals(Map.of("path", "/made/**", "methods", List.of("GET")), definition.get("match"));

        HttpResponse<String> replaced = gateway.admin("PUT", "/admin/routes/made-route",
            ROUTE.replace("/made/**", "/remade/**"));
        assertEquals(200, replaced.statusCode(), replaced.body());
        assertEquals("made-route", gateway.routeFor("/remade/x"));
        assertNull(gateway.routeFor("/made/x"));

        List<Object> routes = gateway.jsonList(gateway.admin("GET", "/admin/routes", null));
        assertEquals(2, routes.size(), routes.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> fileRoute = (Map<String, Object>) routes.stream()
            .filter(r -> "file-route".equals(((Map<?, ?>) r).get("id"))).findFirst().orElseThrow();
        assertEquals(true, fileRoute.get("read_only"));
        assertTrue(((String) fileRoute.get("source")).endsWith("gatehouse.yml"), fileRoute.toString());

        List<Object> upstreams = gateway.jsonList(gateway.admin("GET", "/admin/upstreams", null));
        assertEquals(List.of("file-upstream", "made"), upstreams.stream().map(u -> ((Map<?, ?>) u).get("id")).toList());

        assertEquals(204, gateway.admin("DELETE", "/admin/routes/made-route", null).statusCode());
        assertNull(gateway.routeFor("/remade/x"));
        assertEquals(404, gateway.admin("GET", "/admin/routes/made-route", null).statusCode());
        assertEquals(404, gateway.admin("DELETE", "/admin/routes/made-route", null).statusCode());
        assertEquals(204, gateway.admin("DELETE", "/admin/upstreams/made", null).statusCode());
        assertFalse(gateway.state().current().upstreams().containsKey("made"));
        assertEquals("file-route", gateway.routeFor("/file/x"));
    }

    @Test
    void invalidRoute_then400NamingEachFieldPath_andNothingChanged() {
        long version = gateway.state().current().table().version();
        HttpResponse<String> response = gateway.admin("PUT", "/admin/routes/bad", """
            {"match": {"path": "/bad/**", "methods": "GET"}, "upstream": "nowhere",
             "timeouts": {"connect": "soon"}, "retries": {"attempts": 99}, "colour": "blue"}
            """);
        assertEquals(400, response.statusCode(), response.body());
        Map<String, Object> error = error(response);
        assertEquals("validation_failed", error.get("code"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> problems = (List<Map<String, Object>>) ((Map<String, Object>) error.get("details")).get("problems");
        List<Object> paths = problems.stream().map(p -> p.get("path")).toList();
        assertTrue(paths.containsAll(List.of("upstream", "timeouts.connect", "retries.attempts", "colour")), problems.toString());
        assertTrue(problems.stream().allMatch(p -> "request body".equals(p.get("source"))), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> String.valueOf(p.get("message")).contains("unknown upstream 'nowhere'")));
        assertEquals(version, gateway.state().current().table().version(), "the table in force stays");
        assertEquals(404, gateway.admin("GET", "/admin/routes/bad", null).statusCode());
    }

    @Test
    void routeBodyIdDiffersFromPath_then400() {
        HttpResponse<String> response = gateway.admin("PUT", "/admin/routes/one",
            "{\"id\": \"two\", \"match\": {\"path\": \"/x\"}, \"upstream\": \"file-upstream\"}");
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"path\":\"id\""), response.body());
    }

    @Test
    void idDefinedInTheFile_then409ReadOnly() {
        for (String[] call : new String[][] {
            {"PUT", "/admin/routes/file-route", "{\"match\": {\"path\": \"/y\"}, \"upstream\": \"file-upstream\"}"},
            {"DELETE", "/admin/routes/file-route", null},
            {"PUT", "/admin/upstreams/file-upstream", UPSTREAM},
            {"DELETE", "/admin/upstreams/file-upstream", null}}) {
            HttpResponse<String> response = gateway.admin(call[0], call[1], call[2]);
            assertEquals(409, response.statusCode(), call[0] + " " + call[1] + ": " + response.body());
            Map<String, Object> error = error(response);
            assertEquals("conflict", error.get("code"));
            assertTrue(String.valueOf(((Map<?, ?>) error.get("details")).get("source")).endsWith("gatehouse.yml"));
        }
        assertEquals("file-route", gateway.routeFor("/file/x"));
    }

    @Test
    void upstreamStillUsed_thenDelete409NamingTheRoutes() {
        assertEquals(201, gateway.admin("PUT", "/admin/upstreams/made", UPSTREAM).statusCode());
        assertEquals(201, gateway.admin("PUT", "/admin/routes/user-1", ROUTE).statusCode());
        assertEquals(201, gateway.admin("PUT", "/admin/routes/user-2", ROUTE.replace("/made/**", "/other/**")).statusCode());
        HttpResponse<String> response = gateway.admin("DELETE", "/admin/upstreams/made", null);
        assertEquals(409, response.statusCode(), response.body());
        Map<?, ?> details = (Map<?, ?>) error(response).get("details");
        assertEquals(List.of("user-1", "user-2"), details.get("routes"));
        assertTrue(gateway.state().current().upstreams().containsKey("made"));
    }

    @Test
    void reload_thenTableVersionGrows() {
        long before = gateway.state().current().table().version();
        HttpResponse<String> response = gateway.admin("POST", "/admin/reload", null);
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> body = gateway.json(response);
        assertEquals(before + 1, ((Number) body.get("table_version")).longValue());
        assertEquals(1, ((Number) body.get("routes")).intValue());
    }

    @Test
    void fileHoldsAnInvalidConsumer_thenAnAdminWriteIsRefusedAndNothingIsStored() throws java.io.IOException {
        long version = gateway.state().current().table().version();
        java.nio.file.Files.writeString(dir.resolve("gatehouse.yml"), AdminTestGateway.FILE + """
            consumers:
              alice:
                keys: [{sha256: not-a-hash}]
            """);

        HttpResponse<String> response = gateway.admin("PUT", "/admin/upstreams/made", UPSTREAM);

        assertEquals(400, response.statusCode(), response.body());
        Map<String, Object> error = error(response);
        assertEquals("validation_failed", error.get("code"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> problems = (List<Map<String, Object>>) ((Map<String, Object>) error.get("details")).get("problems");
        assertTrue(problems.stream().anyMatch(p -> String.valueOf(p.get("source")).endsWith("gatehouse.yml")
            && "consumers.alice.keys[0].sha256".equals(p.get("path"))), problems.toString());
        assertEquals(404, gateway.admin("GET", "/admin/upstreams/made", null).statusCode(), "nothing was stored");
        assertFalse(gateway.state().current().upstreams().containsKey("made"));
        assertEquals(version, gateway.state().current().table().version());
    }

    @Test
    void routeLimitsNameAnUndefinedPlan_then400AndNothingChanged() {
        long version = gateway.state().current().table().version();
        HttpResponse<String> response = gateway.admin("PUT", "/admin/routes/limited",
            "{\"match\": {\"path\": \"/limited/**\"}, \"upstream\": \"file-upstream\", \"limits\": [{\"plan\": \"gold\"}]}");

        assertEquals(400, response.statusCode(), response.body());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> problems = (List<Map<String, Object>>) ((Map<String, Object>) error(response).get("details"))
            .get("problems");
        assertEquals(List.of(Map.of("source", "request body", "path", "limits[0].plan", "message", "unknown plan 'gold' (defined: none)")),
            problems);
        assertNull(gateway.routeFor("/limited/x"));
        assertEquals(version, gateway.state().current().table().version());
    }

    private Map<String, Object> error(HttpResponse<String> response) {
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) gateway.json(response).get("error");
        return error;
    }
}
