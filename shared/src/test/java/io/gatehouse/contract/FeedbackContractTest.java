package io.gatehouse.contract;

import io.gatehouse.api.LegacyAliasesConfiguration;
import io.gatehouse.testing.DecisionServer;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feedback API on every engine: {@code POST /v1/feedback} stores a row in the suite's own
 * PostgreSQL schema and answers 201 in the SSO gateway's shape; each invalid field is named; a
 * session may be named only by a caller who may read it (another tenant's is 404, nothing stored)
 * and an event only of that session (another tenant's session and its events are answered as
 * ones that do not exist; docs/reliability.md, "Sessions across tenants"); the decision service
 * decides on it as on the session API.
 * {@code GET /v1/feedback/stats} counts every matching row (150 inserted with JDBC, so more than any
 * first page), filtered by time, category and session, for administrators and holders of
 * {@code gateway.feedback.stats-roles}, within their tenant. The SSO gateway's {@code /feedback}
 * answers the same and is not in the OpenAPI document.
 */
public abstract class FeedbackContractTest extends IdentityContractSupport {

    private static final List<String> CATEGORIES = List.of("bug", "feature", "general");
    /** The tenant whose 150 rows the stats tests insert; no request of the suite writes into it. */
    private static final String STATS_TENANT = "umbrella";
    private static final long STATS_BASE = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final int STATS_ROWS = 150;

    private final DecisionServer opa = DecisionServer.start();
    private boolean statsRowsInserted;

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.feedback.stats-roles", List.of("analyst"));
        properties.put("gateway.admin.roles", List.of("gateway-admin"));
        properties.put("gateway.conversations.redis-prefix", "test:" + schema().name() + ":session:");
        properties.put("gateway.opa.url", opa.url());
        opa.policy("gatehouse/sessions/allow", input ->
            "blocked".equals(((Map<?, ?>) input.get("principal")).get("subject")) ? DecisionServer.Answer.deny() : DecisionServer.Answer.allow());
        return properties;
    }

    @AfterAll
    void stopDecisionServer() {
        opa.close();
    }

    private static final String ALICE = jwt("alice", "acme");
    private static final String BOB = jwt("bob", "acme");
    private static final String MALLORY = jwt("mallory", "globex");
    private static final String ANALYST = jwt("ana", STATS_TENANT, "analyst");
    private static final String OUTSIDE_ANALYST = jwt("oscar", "globex", "analyst");
    private static final String TENANT_ADMIN = jwt("uma", STATS_TENANT, "gateway-admin");
    private static final String OUTSIDE_ADMIN = jwt("gus", "globex", "gateway-admin");
    /** Another tenant's caller with ALICE's method and subject: {@code jwt:alice} of globex. */
    private static final String ALICE_OF_GLOBEX = jwt("alice", "globex");
    private static final String ACME_ADMIN = jwt("ada", "acme", "gateway-admin");

    private static String feedback(String... extra) {
        StringBuilder json = new StringBuilder("{\"user_id\":\"u-1842\",\"category\":\"bug\",\"rating\":4,\"title\":\"Export hangs\","
            + "\"description\":\"The export spinner never stops.\"");
        for (String field : extra) {
            json.append(',').append(field);
        }
        return json.append('}').toString();
    }

    private ContractResponse post(String token, String path, String json) {
        return send(ContractRequest.of("POST", path).header("Authorization", "Bearer " + token).body("application/json", json));
    }

    private ContractResponse get(String token, String path) {
        return send(ContractRequest.get(path).header("Authorization", "Bearer " + token));
    }

    private static JsonNode stored(ContractResponse response) {
        assertEquals(201, response.status(), response.text());
        JsonNode body = response.json();
        assertTrue(body.get("feedback_id").getStringValue().startsWith("f_"), response.text());
        assertEquals("received", body.get("status").getStringValue());
        assertNotNull(Instant.parse(body.get("timestamp").getStringValue()));
        assertFalse(body.get("message").getStringValue().isBlank());
        assertEquals(4, body.size(), "exactly the SSO gateway's fields: " + response.text());
        return body;
    }

    /** The one field a 400 {@code validation_failed} names. */
    private static String violation(ContractResponse response) {
        JsonNode error = assertEnvelope(response, 400, "validation_failed");
        JsonNode violations = error.get("details").get("violations");
        assertEquals(1, violations.size(), error.toString());
        return violations.get(0).get("field").getStringValue();
    }

    private String openSession(String token) {
        ContractResponse opened = post(token, "/v1/session/message", "{\"message\":\"hello\"}");
        assertEquals(202, opened.status(), opened.text());
        return opened.json().get("session_id").getStringValue();
    }

    private String firstEvent(String token, String session) {
        return get(token, "/v1/session/" + session + "/events").json().get("events").get(0).get("event_id").getStringValue();
    }

    @Test
    void feedback_then201InTheSsoGatewaysShape_andRowStored() {
        String id = stored(post(ALICE, "/v1/feedback", feedback("\"user_agent\":\"Mozilla/5.0\"",
            "\"url\":\"https://app.example.com/incidents\"", "\"metadata\":{\"app_version\":\"4.12.0\"}")))
            .get("feedback_id").getStringValue();
        Map<String, String> row = row(id);
        assertEquals("acme", row.get("tenant"));
        assertEquals("jwt:alice", row.get("principal"));
        assertEquals("u-1842", row.get("user_id"));
        assertEquals("bug", row.get("category"));
        assertEquals("4", row.get("rating"));
        assertEquals("Export hangs", row.get("title"));
        assertEquals("The export spinner never stops.", row.get("description"));
        assertEquals("Mozilla/5.0", row.get("user_agent"));
        assertEquals("https://app.example.com/incidents", row.get("url"));
        assertEquals("{\"app_version\":\"4.12.0\"}", row.get("metadata"));
        assertNull(row.get("session_id"));
        assertNull(row.get("event_id"));
    }

    @Test
    void invalidFields_thenEachNamed400_andNothingStored() {
        long before = count();
        List<Map.Entry<String, String>> cases = List.of(
            Map.entry("category", "{\"user_id\":\"u\",\"category\":\"praise\",\"rating\":3,\"title\":\"t\",\"description\":\"d\"}"),
            Map.entry("rating", "{\"user_id\":\"u\",\"category\":\"bug\",\"rating\":0,\"title\":\"t\",\"description\":\"d\"}"),
            Map.entry("rating", "{\"user_id\":\"u\",\"category\":\"bug\",\"rating\":6,\"title\":\"t\",\"description\":\"d\"}"),
            Map.entry("title", "{\"user_id\":\"u\",\"category\":\"bug\",\"rating\":3,\"description\":\"d\"}"),
            Map.entry("title", "{\"user_id\":\"u\",\"category\":\"bug\",\"rating\":3,\"title\":\"  \",\"description\":\"d\"}"),
            Map.entry("description", "{\"user_id\":\"u\",\"category\":\"bug\",\"rating\":3,\"title\":\"t\"}"),
            Map.entry("user_id", "{\"category\":\"bug\",\"rating\":3,\"title\":\"t\",\"description\":\"d\"}"),
            Map.entry("session_id", feedback("\"event_id\":\"e_01JF3Z8X1C4D6E8F0G2H4J6K8M\"")),
            Map.entry("session_id", feedback("\"session_id\":\"a b\"")));
        cases.forEach(c -> assertEquals(c.getKey(), violation(post(ALICE, "/v1/feedback", c.getValue())), c.getValue()));
        JsonNode unknown = assertEnvelope(post(ALICE, "/v1/feedback", feedback("\"titel\":\"typo\"")), 400, "invalid_json");
        assertEquals("titel", unknown.get("details").get("field").getStringValue(), unknown.toString());
        assertEquals(before, count(), "nothing stored for a refused request");
    }

    @Test
    void sessionAndEvent_thenTiedToTheirRow_anotherTenantsSession404_foreignEvent400_nothingStored() {
        String session = openSession(ALICE);
        String event = firstEvent(ALICE, session);
        String id = stored(post(ALICE, "/v1/feedback", feedback("\"session_id\":\"" + session + "\"", "\"event_id\":\"" + event + "\"")))
            .get("feedback_id").getStringValue();
        assertEquals(session, row(id).get("session_id"));
        assertEquals(event, row(id).get("event_id"));

        long before = count();
        JsonNode error = assertEnvelope(post(MALLORY, "/v1/feedback", feedback("\"session_id\":\"" + session + "\"")), 404, "not_found");
        assertEquals(session, error.get("details").get("session_id").getStringValue());
        assertEnvelope(post(MALLORY, "/v1/feedback", feedback("\"session_id\":\"" + session + "\"", "\"event_id\":\"" + event + "\"")),
            404, "not_found");
        assertEnvelope(post(ALICE, "/v1/feedback", feedback("\"session_id\":\"s_doesnotexist\"")), 404, "not_found");
        // Within the tenant, as for the session's own endpoints: its owner (or a read-any role), not any colleague.
        assertEnvelope(post(BOB, "/v1/feedback", feedback("\"session_id\":\"" + session + "\"")), 404, "not_found");

        String other = openSession(ALICE);
        for (String foreign : List.of(firstEvent(ALICE, other), "e_doesnotexist")) {
            assertEquals("event_id", violation(post(ALICE, "/v1/feedback",
                feedback("\"session_id\":\"" + session + "\"", "\"event_id\":\"" + foreign + "\""))));
        }
        assertEquals(before, count(), "nothing stored for a refused tie-in");
    }

    /** Feedback tied to a session, and to one of its events when {@code eventId} is not {@code null}. */
    private static String tiedTo(String sessionId, String eventId) {
        return eventId == null ? feedback("\"session_id\":\"" + sessionId + "\"")
            : feedback("\"session_id\":\"" + sessionId + "\"", "\"event_id\":\"" + eventId + "\"");
    }

    @Test
    void anotherTenantsSession_thenFeedback404AsForNone_itsEvent400AsForNone_itsStatsAsForNone() {
        String session = openSession(ALICE);
        String event = firstEvent(ALICE, session);
        stored(post(ALICE, "/v1/feedback", tiedTo(session, event)));
        long before = count();
        for (String path : List.of("/v1/feedback", "/feedback")) {
            for (String stranger : List.of(MALLORY, ALICE_OF_GLOBEX)) {
                for (String eventId : java.util.Arrays.asList(null, event)) {
                    ContractResponse refused = post(stranger, path, tiedTo(session, eventId));
                    ContractResponse none = post(stranger, path, tiedTo(NO_SESSION, eventId == null ? null : NO_EVENT));
                    assertRefusedAsForNone(refused, none, 404, "not_found", Map.of(session, NO_SESSION, event, NO_EVENT));
                    assertTellsNothingOf(refused.text(), List.of(event));
                }
                // Its event on a session of one's own: the 400 for an event that does not exist.
                String own = openSession(stranger);
                JsonNode error = assertRefusedAsForNone(post(stranger, path, tiedTo(own, event)), post(stranger, path, tiedTo(own, NO_EVENT)),
                    400, "validation_failed", Map.of(event, NO_EVENT));
                assertEquals("event_id", error.get("details").get("violations").get(0).get("field").getStringValue());
            }
        }
        assertEquals(before, count(), "nothing stored for a refused tie-in");

        for (String path : List.of("/v1/feedback/stats", "/feedback/stats")) {
            ContractResponse owners = get(ACME_ADMIN, path + "?session_id=" + session);
            assertEquals(1, owners.json().get("total_feedback").getLongValue(), owners.text());
            // Another tenant's administrator, or holder of stats-roles, counts none of it: the answer for no session.
            for (String outsider : List.of(OUTSIDE_ADMIN, OUTSIDE_ANALYST)) {
                ContractResponse counted = get(outsider, path + "?session_id=" + session);
                ContractResponse none = get(outsider, path + "?session_id=" + NO_SESSION);
                assertEquals(200, counted.status(), counted.text());
                assertEquals(none.text(), counted.text());
                assertEquals(0, counted.json().get("total_feedback").getLongValue(), counted.text());
            }
        }
    }

    @Test
    void decisionService_thenDecidesOnFeedbackAsOnSessions() {
        assertEnvelope(post(jwt("blocked", "acme"), "/v1/feedback", feedback()), 403, "forbidden");
        String session = openSession(ALICE);
        stored(post(ALICE, "/v1/feedback", feedback("\"session_id\":\"" + session + "\"")));
        Map<String, Object> input = opa.inputs("gatehouse/sessions/allow").getLast();
        Map<?, ?> route = (Map<?, ?>) input.get("route");
        assertEquals("gatehouse.sessions", route.get("id"));
        assertEquals(Map.of("session_id", session), route.get("variables"));
        assertEquals("/v1/feedback", ((Map<?, ?>) input.get("request")).get("path"));
        assertEnvelope(send(ContractRequest.of("POST", "/v1/feedback").body("application/json", feedback())), 401, "unauthorized");
    }

    /** One of the 150 rows the stats tests insert. */
    private record Seeded(String category, int rating, long createdAt, String sessionId) {
    }

    private static List<Seeded> seeded() {
        List<Seeded> rows = new ArrayList<>();
        for (int i = 0; i < STATS_ROWS; i++) {
            rows.add(new Seeded(CATEGORIES.get(i % 3), 1 + (i * 7 + i / 4) % 5, STATS_BASE + i * 60_000L,
                i % 10 == 0 ? "s_statssession" : null));
        }
        return rows;
    }

    private synchronized void insertStatsRows() {
        if (statsRowsInserted) {
            return;
        }
        // The schema is migrated by the gateway's first use of the database.
        stored(post(ALICE, "/v1/feedback", feedback()));
        try (Connection c = DriverManager.getConnection(schema().url(), "postgres", "");
             PreparedStatement insert = c.prepareStatement("INSERT INTO feedback (id, tenant, principal, user_id, category, rating, "
                 + "title, description, metadata, session_id, created_at) VALUES (?, ?, 'jwt:seed', 'u-seed', ?, ?, 't', 'd', '{}', ?, ?)")) {
            List<Seeded> rows = seeded();
            for (int i = 0; i < rows.size(); i++) {
                Seeded row = rows.get(i);
                insert.setString(1, "f_seed" + i);
                insert.setString(2, STATS_TENANT);
                insert.setString(3, row.category());
                insert.setInt(4, row.rating());
                insert.setString(5, row.sessionId());
                insert.setLong(6, row.createdAt());
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        statsRowsInserted = true;
    }

    private static void assertStats(List<Seeded> rows, JsonNode stats, String what) {
        assertEquals(rows.size(), stats.get("total_feedback").getLongValue(), what + ": " + stats);
        for (String category : CATEGORIES) {
            assertEquals(rows.stream().filter(r -> r.category().equals(category)).count(),
                stats.get("categories").get(category).getLongValue(), what + " " + category + ": " + stats);
        }
        long sum = 0;
        for (int rating = 1; rating <= 5; rating++) {
            int r = rating;
            assertEquals(rows.stream().filter(s -> s.rating() == r).count(), stats.get("ratings").get(Integer.toString(rating)).getLongValue(),
                what + " rating " + rating + ": " + stats);
        }
        for (Seeded row : rows) {
            sum += row.rating();
        }
        double average = rows.isEmpty() ? 0 : Math.round(sum * 100.0 / rows.size()) / 100.0;
        assertEquals(average, stats.get("average_rating").getDoubleValue(), 1e-9, what + ": " + stats);
    }

    private JsonNode stats(String token, String query) {
        ContractResponse response = get(token, "/v1/feedback/stats" + query);
        assertEquals(200, response.status(), response.text());
        return response.json();
    }

    @Test
    void stats_thenCountsEveryMatchingRow_filteredByTimeCategoryAndSession() {
        insertStatsRows();
        List<Seeded> all = seeded();
        long from = STATS_BASE + 20 * 60_000L;
        long to = STATS_BASE + 130 * 60_000L;
        Predicate<Seeded> inRange = r -> r.createdAt() >= from && r.createdAt() < to;
        String range = "from=" + Instant.ofEpochMilli(from) + "&to=" + Instant.ofEpochMilli(to);
        for (String token : List.of(ANALYST, TENANT_ADMIN)) {
            assertStats(all, stats(token, ""), "all");
            assertStats(all.stream().filter(inRange).toList(), stats(token, "?" + range), "range");
            assertStats(all.stream().filter(r -> r.category().equals("feature")).toList(), stats(token, "?category=feature"), "feature");
            assertStats(all.stream().filter(r -> "s_statssession".equals(r.sessionId())).toList(),
                stats(token, "?session_id=s_statssession"), "session");
            assertStats(all.stream().filter(inRange.and(r -> r.category().equals("bug"))).toList(),
                stats(token, "?" + range + "&category=bug"), "range and bug");
            assertStats(List.of(), stats(token, "?from=2030-01-01T00:00:00Z"), "nothing");
        }
        // The database's own AVG over the same rows, to the same two decimals.
        double average = stats(ANALYST, "").get("average_rating").getDoubleValue();
        assertEquals(Math.round(databaseAverage(STATS_TENANT) * 100) / 100.0, average, 1e-9);
    }

    @Test
    void stats_thenConfinedToTheCallersTenant_globalAdminSeesAll() {
        insertStatsRows();
        for (String outsider : List.of(OUTSIDE_ANALYST, OUTSIDE_ADMIN)) {
            JsonNode stats = stats(outsider, "?session_id=s_statssession");
            assertEquals(0, stats.get("total_feedback").getLongValue(), stats.toString());
            stats = stats(outsider, "?to=2026-06-01T00:00:00Z");
            assertEquals(0, stats.get("total_feedback").getLongValue(), "none of " + STATS_TENANT + "'s rows: " + stats);
        }
        ContractResponse global = send(admin(ContractRequest.get("/v1/feedback/stats")));
        assertEquals(200, global.status(), global.text());
        assertEquals(count(), global.json().get("total_feedback").getLongValue(), global.text());
    }

    @Test
    void stats_thenRefusedWithoutCredentialOrRole_badParametersNamed() {
        assertEnvelope(send(ContractRequest.get("/v1/feedback/stats")), 401, "unauthorized");
        assertEnvelope(get(ANALYST + "x", "/v1/feedback/stats"), 401, "unauthorized");
        JsonNode error = assertEnvelope(get(ALICE, "/v1/feedback/stats"), 403, "forbidden");
        assertEquals("missing_role", error.get("details").get("reason").getStringValue(), error.toString());
        assertEnvelope(get(jwt("blocked", STATS_TENANT, "analyst"), "/v1/feedback/stats"), 403, "forbidden");

        List<Map.Entry<String, String>> cases = List.of(
            Map.entry("from", "from=yesterday"),
            Map.entry("to", "to=2026-13-01T00:00:00Z"),
            Map.entry("to", "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"),
            Map.entry("category", "category=praise"),
            Map.entry("session_id", "session_id=a%20b"));
        cases.forEach(c -> assertEquals(c.getKey(), violation(get(ANALYST, "/v1/feedback/stats?" + c.getValue())), c.getValue()));
    }

    @Test
    void legacyAlias_thenSameApi_andNotInTheOpenApiDocument() {
        String id = stored(post(ALICE, "/feedback", feedback())).get("feedback_id").getStringValue();
        assertEquals("acme", row(id).get("tenant"));
        assertEquals("rating", violation(post(ALICE, "/feedback", "{\"user_id\":\"u\",\"category\":\"bug\",\"rating\":9,"
            + "\"title\":\"t\",\"description\":\"d\"}")));
        insertStatsRows();
        assertEquals(stats(ANALYST, "?category=general").toString(), get(ANALYST, "/feedback/stats?category=general").json().toString());
        assertEnvelope(send(ContractRequest.get("/feedback/stats")), 401, "unauthorized");

        JsonNode paths = send(ContractRequest.get("/v1/openapi.json")).json().get("paths");
        assertNotNull(paths.get("/v1/feedback"), "documents /v1/feedback");
        assertNotNull(paths.get("/v1/feedback/stats"), "documents /v1/feedback/stats");
        assertNull(paths.get("/feedback"), "the legacy /feedback alias is left out");
        assertNull(paths.get("/feedback/stats"), "the legacy /feedback/stats alias is left out");
    }

    @Test
    void databaseDown_then503WithRetryAfterNamingTheStore_aliasSwitchedOff_thenPathGivenUp() {
        Map<String, Object> down = properties();
        down.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:" + TestUpstream.closedPort() + "/test");
        down.put("datasources.default.connection-timeout", 500);
        down.put(LegacyAliasesConfiguration.FEEDBACK, "false");
        GatewayTransport other = runtime().start(down);
        try {
            for (ContractRequest request : List.of(
                ContractRequest.of("POST", "/v1/feedback").header("Authorization", "Bearer " + ALICE).body("application/json", feedback()),
                admin(ContractRequest.get("/v1/feedback/stats")))) {
                ContractResponse refused = other.send(request);
                JsonNode error = assertEnvelope(refused, 503, "service_unavailable");
                assertEquals("database", error.get("details").get("store").getStringValue(), error.toString());
                assertTrue(error.get("message").getStringValue().contains("feedback store"), error.toString());
                assertEquals("1", refused.header("Retry-After").orElse(null));
            }
            assertEnvelope(other.send(ContractRequest.of("POST", "/feedback").header("Authorization", "Bearer " + ALICE)
                .body("application/json", feedback())), 404, "not_found");
            assertEnvelope(other.send(admin(ContractRequest.get("/feedback/stats"))), 404, "not_found");
        } finally {
            other.close();
        }
    }

    private Map<String, String> row(String id) {
        try (Connection c = DriverManager.getConnection(schema().url(), "postgres", "");
             PreparedStatement s = c.prepareStatement("SELECT * FROM feedback WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "feedback " + id + " is stored");
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i).toLowerCase(java.util.Locale.ROOT), rs.getString(i));
                }
                return row;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long count() {
        try (Connection c = DriverManager.getConnection(schema().url(), "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM feedback")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private double databaseAverage(String tenant) {
        try (Connection c = DriverManager.getConnection(schema().url(), "postgres", "");
             PreparedStatement s = c.prepareStatement("SELECT AVG(CAST(rating AS DOUBLE PRECISION)) FROM feedback WHERE tenant = ?")) {
            s.setString(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
