package io.gatehouse.audit;

import io.gatehouse.testing.AuditRows;
import io.gatehouse.testing.Await;
import io.gatehouse.testing.TestSchema;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit log over real HTTP, on a PostgreSQL schema of its own and on the embedded H2: route
 * decisions (401, 403, allowed) and admin changes land in {@code audit_events} with every field,
 * the JSON log has the same fields, {@code GET /admin/audit} filters them, and open routes record
 * nothing.
 */
class AuditLogTest {

    private final TestUpstream upstream = TestUpstream.start();
    private TestSchema schema;
    private AuditTestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (schema != null) {
            schema.close();
        }
        upstream.close();
    }

    private AuditTestGateway onPostgres(Map<String, Object> extra) {
        schema = TestSchema.create("audit");
        Map<String, Object> properties = new HashMap<>(extra);
        properties.put("gateway.jwt.tenant-claims", List.of("tenant"));
        gateway = AuditTestGateway.start(upstream.url(), schema.properties(), properties);
        return gateway;
    }

    private static String id(String what) {
        return what + "-" + UUID.randomUUID();
    }

    @Test
    void deniedAndAllowedJwtCalls_thenRowsWithEveryField() throws SQLException {
        onPostgres(Map.of());
        String malformed = id("malformed");
        String noRole = id("no-role");
        String allowed = id("allowed");
        String open = id("open");
        assertEquals(401, gateway.send("GET", "/orders/1", malformed, "Bearer not-a-token", null).statusCode());
        assertEquals(403, gateway.send("GET", "/orders/2", noRole, "Bearer " + AuditTestGateway.token("vic", "viewer"), null).statusCode());
        assertEquals(200, gateway.send("GET", "/orders/3", allowed, "Bearer " + AuditTestGateway.token("ada", "ops"), null).statusCode());
        assertEquals(200, gateway.send("GET", "/open/4", open, null, null).statusCode());
        assertTrue(gateway.log().flush(Duration.ofSeconds(10)), "the writer did not catch up");

        Map<String, Object> refused = row(malformed);
        assertEquals("authentication", refused.get("category"));
        assertEquals("route.access", refused.get("action"));
        assertEquals("deny", refused.get("decision"));
        assertEquals("malformed", refused.get("reason"));
        assertNull(refused.get("principal"));
        assertEquals("jwt", refused.get("auth_method"));
        assertEquals("orders", refused.get("route_id"));
        assertEquals("GET", refused.get("http_method"));
        assertEquals("/orders/1", refused.get("path"));
        assertTrue(((String) refused.get("details")).contains("\"reason\":\"malformed\""), refused.toString());

        Map<String, Object> forbidden = row(noRole);
        assertEquals("authorization", forbidden.get("category"));
        assertEquals("deny", forbidden.get("decision"));
        assertEquals("missing_role", forbidden.get("reason"));
        assertEquals("vic", forbidden.get("principal"));
        assertEquals("jwt", forbidden.get("auth_method"));
        assertEquals("acme", forbidden.get("tenant"));
        assertTrue(((String) forbidden.get("details")).contains("\"required_roles\":[\"ops\"]"), forbidden.toString());

        Map<String, Object> admitted = row(allowed);
        assertEquals("authorization", admitted.get("category"));
        assertEquals("allow", admitted.get("decision"));
        assertNull(admitted.get("reason"));
        assertEquals("ada", admitted.get("principal"));
        assertEquals("acme", admitted.get("tenant"));
        assertEquals("/orders/3", admitted.get("path"));

        assertTrue(rows(open).isEmpty(), "a route with auth: none records nothing");
        assertTrue(gateway.jsonLines(open).isEmpty(), "a route with auth: none logs nothing");
    }

    @Test
    void routeDecisions_thenJsonLinesCarryTheSameFieldsAsTheRows() throws SQLException {
        onPostgres(Map.of());
        String refused = id("json-refused");
        String allowed = id("json-allowed");
        gateway.send("GET", "/orders/x", refused, "Bearer " + AuditTestGateway.token("vic", "viewer"), null);
        gateway.send("GET", "/orders/y", allowed, "Bearer " + AuditTestGateway.token("ada", "ops"), null);
        assertTrue(gateway.log().flush(Duration.ofSeconds(10)));

        for (String requestId : List.of(refused, allowed)) {
            List<Map<String, Object>> lines = gateway.jsonLines(requestId);
            assertEquals(1, lines.size(), lines.toString());
            Map<String, Object> line = lines.getFirst();
            Map<String, Object> row = row(requestId);
            assertEquals(row.get("id"), line.get("id"));
            assertEquals(row.get("category"), line.get("category"));
            assertEquals(row.get("action"), line.get("action"));
            assertEquals(row.get("decision"), line.get("decision"));
            assertEquals(row.get("reason"), line.get("reason"));
            assertEquals(Map.of("subject", row.get("principal"), "method", row.get("auth_method")), line.get("principal"));
            assertEquals(row.get("tenant"), line.get("tenant"));
            assertEquals(row.get("route_id"), line.get("route"));
            assertEquals(row.get("http_method"), line.get("method"));
            assertEquals(row.get("path"), line.get("path"));
            assertEquals(java.time.Instant.ofEpochMilli((Long) row.get("occurred_at")),
                java.time.Instant.parse((String) line.get("timestamp")).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
            assertTrue(!line.containsKey("persisted") && !line.containsKey("loss"),
                "a stored event has its own line only, written when it was recorded: " + line);
            assertTrue(line.containsKey("target") && line.containsKey("details"), line.toString());
        }
        assertEquals("missing_role", gateway.jsonLines(refused).getFirst().get("reason"));
    }

    @Test
    void failOpenAdmissionDuringAnOutage_thenRecordedAsPolicyUnavailableAllowedWithTheCause() throws SQLException {
        Map<String, Object> extra = new HashMap<>();
        extra.put("gateway.opa.url", "http://127.0.0.1:" + TestUpstream.closedPort());
        extra.put("gateway.routes[2].id", "guarded");
        extra.put("gateway.routes[2].match.path", "/guarded/**");
        extra.put("gateway.routes[2].upstream", "orders");
        extra.put("gateway.routes[2].auth", "jwt");
        extra.put("gateway.routes[2].authorization.opa.path", "test/decide");
        extra.put("gateway.routes[2].authorization.opa.failure-mode-allow", true);
        onPostgres(extra);
        String admitted = id("failed-open");
        assertEquals(200, gateway.send("GET", "/guarded/x", admitted, "Bearer " + AuditTestGateway.token("ada", "ops"), null)
            .statusCode());
        assertTrue(gateway.log().flush(Duration.ofSeconds(10)));

        Map<String, Object> row = row(admitted);
        assertEquals("authorization", row.get("category"));
        assertEquals("allow", row.get("decision"));
        assertEquals("policy_unavailable_allowed", row.get("reason"), "not a plain allow: " + row);
        assertEquals("ada", row.get("principal"));
        String details = (String) row.get("details");
        assertTrue(details.contains("\"cause\":\"unreachable\"") && details.contains("\"policy\":\"test/decide\"")
            && details.contains("\"failure_mode_allow\":true"), details);
    }

    @Test
    @SuppressWarnings("unchecked")
    void adminChangesAndRefusedAdminToken_thenRecordedAndListed() {
        onPostgres(Map.of());
        String created = id("created");
        String replaced = id("replaced");
        String missing = id("missing");
        String wrongToken = id("wrong-token");
        String issued = id("issued");
        String admin = "Bearer " + AuditTestGateway.ADMIN_TOKEN;
        String upstreamJson = "{\"targets\": [\"" + upstream.url() + "\"]}";
        assertEquals(201, gateway.send("PUT", "/admin/upstreams/extra", created, admin, upstreamJson).statusCode());
        assertEquals(200, gateway.send("PUT", "/admin/upstreams/extra", replaced, admin, upstreamJson).statusCode());
        assertEquals(404, gateway.send("DELETE", "/admin/routes/nope", missing, admin, null).statusCode());
        assertEquals(401, gateway.send("GET", "/admin/routes", wrongToken, "Bearer wrong", null).statusCode());
        HttpResponse<String> token = gateway.send("POST", "/v1/tokens", issued, admin, "{\"project\":\"acme\",\"service\":\"orders\"}");
        assertEquals(201, token.statusCode(), token.body());
        String jti = (String) AuditTestGateway.json(token.body()).get("jti");
        assertTrue(gateway.log().flush(Duration.ofSeconds(10)));

        Map<String, Object> create = only(gateway.events(created));
        assertEquals("admin", create.get("category"));
        assertEquals("upstream.create", create.get("action"));
        assertEquals("allow", create.get("decision"));
        assertEquals("upstream:extra", create.get("target"));
        assertEquals(Map.of("subject", "admin", "method", "admin-token"), create.get("principal"));
        assertEquals("PUT", create.get("method"));
        assertEquals("/admin/upstreams/extra", create.get("path"));
        assertEquals("upstream.update", only(gateway.events(replaced)).get("action"));

        Map<String, Object> notFound = only(gateway.events(missing));
        assertEquals("route.delete", notFound.get("action"));
        assertEquals("deny", notFound.get("decision"));
        assertEquals("not_found", notFound.get("reason"));

        Map<String, Object> refused = only(gateway.events(wrongToken));
        assertEquals("authentication", refused.get("category"));
        assertEquals("admin.authenticate", refused.get("action"));
        assertEquals("invalid_token", refused.get("reason"));
        assertEquals(Map.of("method", "admin-token"), withoutNulls((Map<String, Object>) refused.get("principal")));

        Map<String, Object> issue = only(gateway.events(issued));
        assertEquals("token.issue", issue.get("action"));
        assertEquals("token:" + jti, issue.get("target"));
        Map<String, Object> details = (Map<String, Object>) issue.get("details");
        assertEquals("acme", details.get("project"));
        assertTrue(!details.toString().contains(AuditTestGateway.json(token.body()).get("token").toString()), "never the token");

        List<Map<String, Object>> adminDenials = (List<Map<String, Object>>) gateway.adminGet("/admin/audit?category=admin&decision=deny")
            .get("events");
        assertEquals(List.of(missing), adminDenials.stream().map(e -> e.get("request_id")).toList());
        List<Map<String, Object>> newestFirst = (List<Map<String, Object>>) gateway.adminGet("/admin/audit?category=admin&limit=2")
            .get("events");
        assertEquals(List.of(issued, missing), newestFirst.stream().map(e -> e.get("request_id")).toList());
        assertEquals(400, gateway.send("GET", "/admin/audit?category=everything", null, admin, null).statusCode());
        assertEquals(401, gateway.send("GET", "/admin/audit", null, null, null).statusCode());
    }

    @Test
    void tokenEndpointRefusesAClient_thenAuthenticationFailureRecorded() {
        onPostgres(Map.of());
        String unknownClient = id("unknown-client");
        HttpResponse<String> refused = gateway.send("POST", "/oauth/token", unknownClient, null, "application/x-www-form-urlencoded",
            "grant_type=client_credentials&client_id=nobody&client_secret=wrong-secret-123");
        assertEquals(401, refused.statusCode(), refused.body());
        assertTrue(gateway.log().flush(Duration.ofSeconds(10)));
        Map<String, Object> event = only(gateway.events(unknownClient));
        assertEquals("authentication", event.get("category"));
        assertEquals("oauth.token", event.get("action"));
        assertEquals("deny", event.get("decision"));
        assertEquals("invalid_client", event.get("reason"));
    }

    /** Stores events as if recorded long ago, straight into the gateway's table. */
    private static void insertOld(AuditTestGateway gateway, int count) throws SQLException {
        try (Connection connection = DelegatingDataSource.unwrapDataSource(gateway.context().getBean(DataSource.class)).getConnection();
             PreparedStatement insert = connection.prepareStatement(
                 "INSERT INTO audit_events (id, occurred_at, category, action, decision) VALUES (?, ?, 'admin', 'old.event', 'allow')")) {
            for (int i = 0; i < count; i++) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setLong(2, System.currentTimeMillis() - Duration.ofHours(2 + i).toMillis());
                insert.executeUpdate();
            }
        }
    }

    private static int countOld(AuditTestGateway gateway) {
        try (Connection connection = DelegatingDataSource.unwrapDataSource(gateway.context().getBean(DataSource.class)).getConnection();
             PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM audit_events WHERE action = 'old.event'");
             ResultSet rows = count.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private AuditTestGateway withRetention(String database, String pruneInterval) {
        Map<String, Object> extra = Map.of("gateway.audit.retention", "1h", "gateway.audit.prune-interval", pruneInterval);
        if (database.equals("postgres")) {
            return onPostgres(extra);
        }
        gateway = AuditTestGateway.start(upstream.url(),
            AuditTestGateway.database("jdbc:h2:mem:audit_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1"), extra);
        return gateway;
    }

    /** One event recorded now and stored, then {@code old} events from hours ago; the recent one's request id. */
    private String recentAndOld(AuditTestGateway gateway, int old) throws SQLException {
        String recent = id("recent");
        assertEquals(401, gateway.send("GET", "/orders/1", recent, null, null).statusCode());
        assertTrue(gateway.log().flush(Duration.ofSeconds(10)));
        insertOld(gateway, old);
        return recent;
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "h2"})
    void retentionOnSchedule_thenOlderEventsDeletedAndRecentOnesKept(String database) throws SQLException {
        String recent = recentAndOld(withRetention(database, "300ms"), 3);

        long millis = Await.millisUntil(() -> countOld(gateway) == 0, 10_000);
        assertTrue(millis >= 0, "events older than the retention are still stored: " + countOld(gateway));
        assertEquals(1, gateway.events(recent).size(), "an event within the retention is kept");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "h2"})
    void pruneOnDemand_thenOlderEventsDeletedCountedAndThePruningAudited(String database) throws SQLException {
        String recent = recentAndOld(withRetention(database, "1h"), 7);

        String pruning = id("prune");
        HttpResponse<String> pruned = gateway.send("POST", "/admin/audit/prune", pruning, "Bearer " + AuditTestGateway.ADMIN_TOKEN, null);
        assertEquals(200, pruned.statusCode(), pruned.body());
        Map<String, Object> body = AuditTestGateway.json(pruned.body());
        assertEquals(7, ((Number) body.get("deleted")).intValue());
        assertEquals(3600, ((Number) body.get("retention_seconds")).intValue());
        assertNotNull(body.get("before"));
        assertEquals(0, countOld(gateway));
        assertEquals(1, gateway.events(recent).size(), "an event within the retention is kept");
        assertTrue(gateway.log().flush(Duration.ofSeconds(10)));
        Map<String, Object> recorded = only(gateway.events(pruning));
        assertEquals("audit.prune", recorded.get("action"));
        assertEquals("7", String.valueOf(((Map<?, ?>) recorded.get("details")).get("deleted")));
    }

    @Test
    void pruneWithoutRetention_then409NamingTheProperty() {
        gateway = AuditTestGateway.start(upstream.url(),
            AuditTestGateway.database("jdbc:h2:mem:audit_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1"),
            Map.of());
        HttpResponse<String> refused = gateway.send("POST", "/admin/audit/prune", id("prune"), "Bearer " + AuditTestGateway.ADMIN_TOKEN, null);
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("gateway.audit.retention"), refused.body());
    }

    @Test
    void embeddedH2_thenTheSameEventsAreStoredAndListed() {
        gateway = AuditTestGateway.start(upstream.url(),
            AuditTestGateway.database("jdbc:h2:mem:audit_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1"),
            Map.of());
        String refused = id("h2-refused");
        String changed = id("h2-changed");
        assertEquals(401, gateway.send("GET", "/orders/1", refused, null, null).statusCode());
        assertEquals(201, gateway.send("PUT", "/admin/upstreams/h2", changed, "Bearer " + AuditTestGateway.ADMIN_TOKEN,
            "{\"targets\": [\"" + upstream.url() + "\"]}").statusCode());
        assertTrue(gateway.log().flush(Duration.ofSeconds(10)));

        Map<String, Object> missing = only(gateway.events(refused));
        assertEquals("missing_credentials", missing.get("reason"));
        assertEquals("orders", missing.get("route"));
        assertEquals("upstream.create", only(gateway.events(changed)).get("action"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void fullQueueAndStalledDatabase_thenRequestsWaitAtMostTheBoundAndOverflowIsCountedLoggedAndReported() throws Exception {
        try (StalledDatabase database = StalledDatabase.start()) {
            Map<String, Object> extra = new HashMap<>();
            extra.put("datasources.default.connection-timeout", 2000);
            extra.put("gateway.admin.startup-timeout", "200ms");
            extra.put("gateway.audit.queue-size", 2);
            extra.put("gateway.audit.batch-size", 1);
            extra.put("gateway.audit.flush-interval", "0ms");
            extra.put("gateway.audit.shutdown-timeout", "500ms");
            gateway = AuditTestGateway.start(upstream.url(), AuditTestGateway.database(database.url()), extra);

            // No credential: the identity store is not consulted, so only the audit log could hold a request up.
            List<String> ids = new java.util.ArrayList<>();
            long slowest = 0;
            for (int i = 0; i < 12; i++) {
                String requestId = id("overflow-" + i);
                ids.add(requestId);
                long start = System.nanoTime();
                assertEquals(401, gateway.send("GET", "/orders/" + i, requestId, null, null).statusCode());
                slowest = Math.max(slowest, System.nanoTime() - start);
            }
            assertTrue(slowest < Duration.ofMillis(1000).toNanos(),
                "a request waited " + slowest / 1_000_000 + " ms; the database stalls each write for 2 s");

            // The writer is stuck: further events overflow without waiting.
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                gateway.log().record(AuditEvent.builder(AuditEvent.Category.ADMIN, "test.overflow").request(id("direct"), null, null)
                    .build());
            }
            long tenRecords = System.nanoTime() - start;
            assertTrue(tenRecords < Duration.ofMillis(250).toNanos(), "ten records took " + tenRecords / 1_000_000 + " ms");

            AuditLog.Stats stats = gateway.log().stats();
            assertTrue(stats.overflowed() >= 9 + 10, stats.toString());
            long overflowLines = ids.stream().flatMap(requestId -> gateway.jsonLines(requestId).stream())
                .filter(line -> Boolean.FALSE.equals(line.get("persisted")) && "overflow".equals(line.get("loss")))
                .count();
            assertTrue(overflowLines >= 9, "overflowed events in the JSON log: " + overflowLines);
            assertEquals("missing_credentials", gateway.jsonLines(ids.getLast()).getFirst().get("reason"));

            String metrics = gateway.send("GET", "/metrics", null, null, null).body();
            assertTrue(metrics.lines().anyMatch(line -> line.startsWith("gatehouse_audit_overflow_total")
                && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= stats.overflowed()), metrics);

            Map<String, Object> health = AuditTestGateway.json(gateway.send("GET", "/v1/health", null, null, null).body());
            Map<String, Object> audit = (Map<String, Object>) ((Map<String, Object>) health.get("checks")).get("audit");
            assertEquals("degraded", audit.get("status"), audit.toString());
            assertEquals(false, audit.get("critical"));
            assertTrue(((Number) ((Map<String, Object>) audit.get("details")).get("overflowed")).longValue() >= 19, audit.toString());

            // The batch the writer held is given up once the queue is full behind it: in the JSON log, counted as failed.
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (gateway.log().stats().failed() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(gateway.log().stats().failed() >= 1, gateway.log().stats().toString());
            assertTrue(gateway.jsonLines().stream().anyMatch(line -> "database".equals(line.get("loss"))
                && Boolean.FALSE.equals(line.get("persisted"))), "a given-up event is in the JSON log");
            assertTrue(gateway.log().stats().lastError() != null, gateway.log().stats().toString());
        }
    }

    @Test
    void shutdownWithEventsQueued_thenTheyAreWrittenBeforeTheGatewayStops() throws SQLException {
        onPostgres(Map.of("gateway.audit.flush-interval", "60s", "gateway.audit.batch-size", 1000));
        List<String> ids = List.of(id("shutdown-1"), id("shutdown-2"), id("shutdown-3"));
        for (String requestId : ids) {
            assertEquals(401, gateway.send("GET", "/orders/x", requestId, null, null).statusCode());
        }
        assertTrue(rows(ids.getFirst()).isEmpty(), "the writer is still filling its batch");
        for (String requestId : ids) {
            assertEquals(1, gateway.jsonLines(requestId).size(), "in the JSON log when recorded, before the database");
        }
        gateway.close();
        for (String requestId : ids) {
            assertEquals("missing_credentials", row(requestId).get("reason"));
        }
        gateway = null;
    }

    @Test
    void fullQueueAndAnyOfferTimeout_thenRecordReturnsAtOnceAndTheEventOverflows() throws Exception {
        try (StalledDatabase database = StalledDatabase.start()) {
            gateway = AuditTestGateway.start(upstream.url(), AuditTestGateway.database(database.url()), Map.of(
                "datasources.default.connection-timeout", 5000, "gateway.admin.startup-timeout", "200ms",
                "gateway.audit.queue-size", 1, "gateway.audit.batch-size", 1, "gateway.audit.flush-interval", "0ms",
                "gateway.audit.offer-timeout", "3s", "gateway.audit.shutdown-timeout", "200ms"));
            AuditLog log = gateway.log();
            log.record(AuditEvent.builder(AuditEvent.Category.ADMIN, "test.held").request(id("held"), null, null).build());
            awaitQueued(log, 0);
            log.record(AuditEvent.builder(AuditEvent.Category.ADMIN, "test.queued").request(id("queued"), null, null).build());
            assertEquals(1, log.stats().queued(), log.stats().toString());

            // The queue is full and the writer has not been seen stuck yet: before, this waited the offer timeout.
            String overflowing = id("overflowing");
            long start = System.nanoTime();
            log.record(AuditEvent.builder(AuditEvent.Category.ADMIN, "test.overflow").request(overflowing, null, null).build());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 1000, "record waited " + millis + " ms on a full queue");
            List<Map<String, Object>> lines = gateway.jsonLines(overflowing);
            assertEquals(2, lines.size(), lines.toString());
            assertEquals("test.overflow", lines.getFirst().get("action"));
            assertEquals("overflow", lines.getLast().get("loss"));
            assertEquals(1, log.stats().overflowed(), log.stats().toString());
        }
    }

    @Test
    void shutdownWhileTheWriterIsStuckInAnInsert_thenItsBatchIsReportedLost() throws Exception {
        try (StalledDatabase database = StalledDatabase.start()) {
            gateway = AuditTestGateway.start(upstream.url(), AuditTestGateway.database(database.url()), Map.of(
                "datasources.default.connection-timeout", 10000, "gateway.admin.startup-timeout", "200ms",
                "gateway.audit.batch-size", 1, "gateway.audit.flush-interval", "0ms", "gateway.audit.shutdown-timeout", "300ms"));
            AuditLog log = gateway.log();
            String held = id("held-at-shutdown");
            log.record(AuditEvent.builder(AuditEvent.Category.ADMIN, "test.held").request(held, null, null).build());
            awaitQueued(log, 0);
            Thread.sleep(200);

            log.close();
            List<Map<String, Object>> lines = gateway.jsonLines(held);
            assertEquals(2, lines.size(), "the event when recorded, then its loss at shutdown: " + lines);
            assertEquals("test.held", lines.getFirst().get("action"));
            assertEquals("shutdown", lines.getLast().get("loss"));
            assertEquals(false, lines.getLast().get("persisted"));
            assertTrue(log.stats().failed() >= 1, log.stats().toString());
        }
    }

    private static void awaitQueued(AuditLog log, int queued) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (log.stats().queued() != queued && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(queued, log.stats().queued(), log.stats().toString());
    }

    @Test
    void perRequestMode_thenEventsAreStoredBeforeTheResponse() throws SQLException {
        String url = "jdbc:h2:mem:audit_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        gateway = AuditTestGateway.start(upstream.url(), AuditTestGateway.database(url), Map.of("gateway.audit.mode", "per-request"));
        String refused = id("per-request-refused");
        String changed = id("per-request-changed");
        assertEquals(401, gateway.send("GET", "/orders/1", refused, "Bearer not-a-token", null).statusCode());
        assertEquals(1, AuditRows.read(url, "sa", refused).size(), "stored when the 401 arrived");
        assertEquals(201, gateway.send("PUT", "/admin/upstreams/now", changed, "Bearer " + AuditTestGateway.ADMIN_TOKEN,
            "{\"targets\": [\"" + upstream.url() + "\"]}").statusCode());
        assertEquals("upstream.create", AuditRows.read(url, "sa", changed).getFirst().get("action"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void perRequestModeAndStalledDatabase_thenOneRequestWaitsAndTheNextSkipTheDatabase() throws Exception {
        try (StalledDatabase database = StalledDatabase.start()) {
            gateway = AuditTestGateway.start(upstream.url(), AuditTestGateway.database(database.url()), Map.of(
                "gateway.audit.mode", "per-request", "datasources.default.connection-timeout", 500,
                "gateway.admin.startup-timeout", "200ms",
                // Long enough that the next request falls inside it however slow the machine is.
                "gateway.audit.skip-backoff", "10m"));
            String first = id("stalled-first");
            long start = System.nanoTime();
            assertEquals(401, gateway.send("GET", "/orders/1", first, null, null).statusCode());
            long firstMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(firstMillis >= 400, "the first request waited for the database: " + firstMillis + " ms");

            AuditLog log = gateway.context().getBean(AuditLog.class);
            assertEquals(0, log.stats().skipped(), "the first request tried the database");
            String next = id("stalled-next");
            assertEquals(401, gateway.send("GET", "/orders/2", next, null, null).statusCode());
            assertEquals(1, log.stats().skipped(), "the next request skipped the database");

            for (String requestId : List.of(first, next)) {
                List<Map<String, Object>> lines = gateway.jsonLines(requestId);
                assertEquals(2, lines.size(), "the event, then its loss: " + lines);
                assertEquals("missing_credentials", lines.getFirst().get("reason"));
                Map<String, Object> loss = lines.getLast();
                assertEquals(false, loss.get("persisted"));
                assertEquals("database", loss.get("loss"));
                assertEquals(lines.getFirst().get("id"), loss.get("event_id"));
            }
            Map<String, Object> health = AuditTestGateway.json(gateway.send("GET", "/v1/health", null, null, null).body());
            Map<String, Object> audit = (Map<String, Object>) ((Map<String, Object>) health.get("checks")).get("audit");
            assertEquals("degraded", audit.get("status"), audit.toString());
            assertTrue(((Map<String, Object>) audit.get("details")).containsKey("failing_since"), audit.toString());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void disabled_thenRoutesStillDecideAndNothingIsRecorded() {
        String url = "jdbc:h2:mem:audit_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        gateway = AuditTestGateway.start(upstream.url(), AuditTestGateway.database(url), Map.of("gateway.audit.enabled", false));
        String refused = id("disabled");
        assertEquals(401, gateway.send("GET", "/orders/1", refused, null, null).statusCode());
        assertEquals(200, gateway.send("GET", "/orders/2", null, "Bearer " + AuditTestGateway.token("ada", "ops"), null).statusCode());
        assertTrue(gateway.context().findBean(AuditLog.class).isEmpty());
        assertEquals(404, gateway.send("GET", "/admin/audit", null, "Bearer " + AuditTestGateway.ADMIN_TOKEN, null).statusCode());
        Map<String, Object> health = AuditTestGateway.json(gateway.send("GET", "/v1/health", null, null, null).body());
        assertTrue(!((Map<String, Object>) health.get("checks")).containsKey("audit"), health.toString());
        assertTrue(gateway.jsonLines().isEmpty(), gateway.jsonLines().toString());
    }

    /** A database that accepts connections and never answers: every write stalls until the driver's timeouts. */
    private static final class StalledDatabase implements AutoCloseable {

        private final java.net.ServerSocket server;
        private final List<java.net.Socket> held = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        private StalledDatabase(java.net.ServerSocket server) {
            this.server = server;
        }

        static StalledDatabase start() throws java.io.IOException {
            StalledDatabase database = new StalledDatabase(new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()));
            Thread.ofVirtual().start(() -> {
                while (!database.server.isClosed()) {
                    try {
                        database.held.add(database.server.accept());
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            return database;
        }

        String url() {
            return "jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + "/test?connectTimeout=2&socketTimeout=2&loginTimeout=2";
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
            synchronized (held) {
                for (java.net.Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    private static Map<String, Object> only(List<Map<String, Object>> events) {
        assertEquals(1, events.size(), events.toString());
        return events.getFirst();
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> map) {
        Map<String, Object> out = new HashMap<>();
        map.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    private Map<String, Object> row(String requestId) throws SQLException {
        List<Map<String, Object>> rows = rows(requestId);
        assertEquals(1, rows.size(), "rows for " + requestId + ": " + rows);
        assertNotNull(rows.getFirst().get("id"));
        return rows.getFirst();
    }

    /** Reads the table directly, not through the API under test. */
    private List<Map<String, Object>> rows(String requestId) throws SQLException {
        return AuditRows.read(schema.url(), "postgres", requestId);
    }
}
