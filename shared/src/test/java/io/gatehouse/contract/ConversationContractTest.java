package io.gatehouse.contract;

import io.gatehouse.testing.DecisionServer;
import io.gatehouse.testing.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session API on every engine: intake of messages and actions (stored with their outbox row,
 * published by the relay, the Redis state updated), history pages, field-named refusals, the
 * Idempotency-Key, tenant and owner boundaries (404, never the data: every HTTP path to another tenant's
 * session answers as for a session that does not exist, and a key is never answered with another
 * tenant's event; docs/reliability.md, "Sessions across tenants"), and the decision service
 * deciding on these endpoints with the session id and action in its input. Real PostgreSQL (a schema
 * of the suite's own) and Redis; no Kafka here (the in-process bus): the Kafka relay, its outage and
 * a crash between commit and publish are proved by the container's {@code SessionRelayTest}.
 */
public abstract class ConversationContractTest extends IdentityContractSupport {

    private static final int MAX_LENGTH = 200;

    private final DecisionServer opa = DecisionServer.start();

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.conversations.max-message-length", MAX_LENGTH);
        properties.put("gateway.conversations.max-attachments", 2);
        properties.put("gateway.conversations.read-any-roles", List.of("support"));
        properties.put("gateway.conversations.redis-prefix", "test:" + schema().name() + ":session:");
        properties.put("gateway.opa.url", opa.url());
        opa.policy("gatehouse/sessions/allow", input -> {
            Object route = input.get("route");
            Map<?, ?> variables = route instanceof Map<?, ?> r && r.get("variables") instanceof Map<?, ?> v ? v : Map.of();
            boolean denied = "status_report".equals(variables.get("action"))
                || "blocked".equals(((Map<?, ?>) input.get("principal")).get("subject"));
            return denied ? DecisionServer.Answer.deny() : DecisionServer.Answer.allow();
        });
        return properties;
    }

    @AfterAll
    void stopDecisionServer() {
        opa.close();
    }

    /**
     * @param subject the caller
     * @param tenant  its tenant
     * @return an {@code Authorization} value with a JWT of the suite's secret
     */
    protected static String bearer(String subject, String tenant) {
        return "Bearer " + jwt(subject, tenant);
    }

    private static final String ALICE = jwt("alice", "acme");
    private static final String BOB = jwt("bob", "acme");
    private static final String SUPPORT = jwt("sam", "acme", "support");
    private static final String MALLORY = jwt("mallory", "globex", "support");
    /** Another tenant's caller with ALICE's method and subject: {@code jwt:alice} of globex. */
    private static final String ALICE_OF_GLOBEX = jwt("alice", "globex");

    /** Tenant acme's session that the tenant-boundary cases aim at: ALICE's, with a message and an action. */
    private Victim victim;

    /**
     * @param session its id
     * @param events  its event ids, oldest first
     * @param secrets what of it must never reach another tenant: its ids and its message
     */
    private record Victim(String session, List<String> events, List<String> secrets) {
    }

    private ContractResponse post(String token, String path, String json) {
        return send(ContractRequest.of("POST", path).header("Authorization", "Bearer " + token).body("application/json", json));
    }

    private ContractResponse get(String token, String path) {
        return send(ContractRequest.get(path).header("Authorization", "Bearer " + token));
    }

    private JsonNode accepted(ContractResponse response) {
        assertEquals(202, response.status(), response.text());
        JsonNode body = response.json();
        assertTrue(body.get("session_id").getStringValue().startsWith("s_"), response.text());
        assertTrue(body.get("event_id").getStringValue().startsWith("e_"), response.text());
        return body;
    }

    private String openSession(String token) {
        return accepted(post(token, "/v1/session/message", "{\"persona_id\":\"analyst\",\"message\":\"hello\"}"))
            .get("session_id").getStringValue();
    }

    @Test
    void message_thenStoredWithOutboxRowPublishedAndRedisStateAndInHistory() {
        JsonNode ids = accepted(post(ALICE, "/v1/session/message", "{\"persona_id\":\"analyst\",\"message\":\"Summarise the incidents\","
            + "\"attachments\":[{\"type\":\"url\",\"url\":\"https://status.example.com/1\"}],\"metadata\":{\"channel\":\"web\"}}"));
        String session = ids.get("session_id").getStringValue();
        String event = ids.get("event_id").getStringValue();

        assertTrue(millisUntil(() -> sentAt(event) != null, 10_000) >= 0, "the relay marks the outbox row sent");
        Map<String, String> meta = redisHash("test:" + schema().name() + ":session:" + session + ":meta");
        assertEquals("acme", meta.get("tenant"), meta.toString());
        assertEquals("analyst", meta.get("persona_id"), meta.toString());
        assertTrue(Long.parseLong(meta.get("last_activity")) > 0, meta.toString());

        ContractResponse history = get(ALICE, "/v1/session/" + session + "/events");
        assertEquals(200, history.status(), history.text());
        JsonNode events = history.json().get("events");
        assertEquals(1, events.size(), history.text());
        JsonNode first = events.get(0);
        assertEquals(event, first.get("event_id").getStringValue());
        assertEquals(session, first.get("session_id").getStringValue());
        assertEquals("user", first.get("role").getStringValue());
        assertEquals("message", first.get("kind").getStringValue());
        assertEquals("Summarise the incidents", first.get("message").getStringValue());
        assertEquals("analyst", first.get("persona_id").getStringValue());
        assertEquals("web", first.get("metadata").get("channel").getStringValue());
        assertEquals("https://status.example.com/1", first.get("attachments").get(0).get("url").getStringValue());
        assertTrue(history.json().get("next").isNull(), history.text());
    }

    @Test
    void action_thenStoredAsActionEvent_unknownActionRefusedByName() {
        String session = openSession(ALICE);
        accepted(post(ALICE, "/v1/session/action", "{\"session_id\":\"" + session + "\",\"action\":\"summarize\",\"params\":{\"length\":\"short\"}}"));
        JsonNode events = get(ALICE, "/v1/session/" + session + "/events").json().get("events");
        assertEquals(2, events.size());
        assertEquals("action", events.get(1).get("kind").getStringValue());
        assertEquals("summarize", events.get(1).get("action").getStringValue());
        assertEquals("short", events.get(1).get("params").get("length").getStringValue());

        JsonNode error = assertEnvelope(post(ALICE, "/v1/session/action", "{\"session_id\":\"" + session + "\",\"action\":\"dance\"}"),
            400, "validation_failed");
        assertEquals("action", error.get("details").get("violations").get(0).get("field").getStringValue());
        assertTrue(error.get("details").get("violations").get(0).get("message").getStringValue().contains("next_steps"));
        assertEnvelope(post(ALICE, "/v1/session/action", "{\"session_id\":\"s_doesnotexist\",\"action\":\"summarize\"}"), 404, "not_found");
    }

    @Test
    void invalidBodies_thenFieldNamed400_andNothingStored() {
        long before = count("session_events");
        assertEquals("message", violation(post(ALICE, "/v1/session/message", "{\"persona_id\":\"a\"}")));
        assertEquals("message", violation(post(ALICE, "/v1/session/message", "{\"message\":\"" + "x".repeat(MAX_LENGTH + 1) + "\"}")));
        assertEquals("attachments", violation(post(ALICE, "/v1/session/message", "{\"message\":\"m\",\"attachments\":[{},{},{}]}")));
        assertEquals("session_id", violation(post(ALICE, "/v1/session/message", "{\"message\":\"m\",\"session_id\":\"a b\"}")));
        assertEquals("persona_id", violation(post(ALICE, "/v1/session/message", "{\"message\":\"m\",\"persona_id\":\"../x\"}")));
        assertEquals("session_id", violation(post(ALICE, "/v1/session/action", "{\"action\":\"summarize\"}")));
        JsonNode unknown = assertEnvelope(post(ALICE, "/v1/session/message", "{\"mesage\":\"typo\"}"), 400, "invalid_json");
        assertEquals("mesage", unknown.get("details").get("field").getStringValue(), unknown.toString());
        assertEnvelope(post(ALICE, "/v1/session/message", "{\"message\":"), 400, "invalid_json");
        assertEquals(before, count("session_events"), "nothing stored for a refused request");
    }

    private String violation(ContractResponse response) {
        JsonNode error = assertEnvelope(response, 400, "validation_failed");
        return error.get("details").get("violations").get(0).get("field").getStringValue();
    }

    @Test
    void noCredential_then401_andBadToken401() {
        assertEnvelope(send(ContractRequest.of("POST", "/v1/session/message").body("application/json", "{\"message\":\"m\"}")),
            401, "unauthorized");
        assertEnvelope(post(ALICE + "x", "/v1/session/message", "{\"message\":\"m\"}"), 401, "unauthorized");
        assertEnvelope(send(ContractRequest.get("/v1/session/s_any/events")), 401, "unauthorized");
    }

    @Test
    void otherTenantOrOtherCaller_then404NeverTheData_supportRoleOfSameTenantReads() {
        String session = openSession(ALICE);
        long before = count("session_events");
        for (String stranger : List.of(MALLORY, BOB)) {
            JsonNode error = assertEnvelope(get(stranger, "/v1/session/" + session + "/events"), 404, "not_found");
            assertEquals(session, error.get("details").get("session_id").getStringValue());
            assertEnvelope(post(stranger, "/v1/session/message", "{\"session_id\":\"" + session + "\",\"message\":\"intrude\"}"), 404, "not_found");
            assertEnvelope(post(stranger, "/v1/session/action", "{\"session_id\":\"" + session + "\",\"action\":\"summarize\"}"), 404, "not_found");
        }
        assertEquals(before, count("session_events"), "nothing written into another caller's session");
        // The same 404 as a session that does not exist: nothing tells the two apart.
        ContractResponse missing = get(MALLORY, "/v1/session/s_doesnotexist/events");
        assertEnvelope(missing, 404, "not_found");

        ContractResponse support = get(SUPPORT, "/v1/session/" + session + "/events");
        assertEquals(200, support.status(), support.text());
        assertEquals(1, support.json().get("events").size());
    }

    private synchronized Victim victim() {
        if (victim == null) {
            String message = "acme's secret " + System.nanoTime();
            JsonNode opened = accepted(post(ALICE, "/v1/session/message", "{\"message\":\"" + message + "\"}"));
            String session = opened.get("session_id").getStringValue();
            String action = accepted(post(ALICE, "/v1/session/action", "{\"session_id\":\"" + session + "\",\"action\":\"summarize\"}"))
                .get("event_id").getStringValue();
            List<String> events = List.of(opened.get("event_id").getStringValue(), action);
            victim = new Victim(session, events, List.of(session, events.get(0), events.get(1), message));
        }
        return victim;
    }

    /**
     * Every HTTP path to a session, each as a request of a caller about a session and one of its
     * events; the cases run it about tenant acme's session and about one that does not exist.
     */
    Stream<Arguments> sessionPaths() {
        Map<String, BiFunction<String, String, ContractRequest>> paths = new java.util.LinkedHashMap<>();
        paths.put("POST /v1/session/message naming it", (session, event) -> json("/v1/session/message",
            "{\"session_id\":\"" + session + "\",\"message\":\"intrude\"}"));
        paths.put("POST /v1/session/action naming it", (session, event) -> json("/v1/session/action",
            "{\"session_id\":\"" + session + "\",\"action\":\"summarize\"}"));
        paths.put("POST /v1/session/message naming it, with an Idempotency-Key", (session, event) -> json("/v1/session/message",
            "{\"session_id\":\"" + session + "\",\"message\":\"intrude\"}").header("Idempotency-Key", "intrude-" + System.nanoTime()));
        paths.put("GET /v1/session/{id}/events", (session, event) -> ContractRequest.get("/v1/session/" + session + "/events"));
        paths.put("GET /v1/session/{id}/events?after=its event", (session, event) ->
            ContractRequest.get("/v1/session/" + session + "/events?limit=1&after=" + event));
        paths.put("POST /session/message naming it", (session, event) -> json("/session/message",
            "{\"session_id\":\"" + session + "\",\"message\":\"intrude\"}"));
        paths.put("POST /session/action naming it", (session, event) -> json("/session/action",
            "{\"session_id\":\"" + session + "\",\"action\":\"next_steps\"}"));
        paths.put("GET /session/{id}/events?after=its event", (session, event) ->
            ContractRequest.get("/session/" + session + "/events?after=" + event));
        return paths.entrySet().stream().flatMap(path -> Stream.of(
            Arguments.of(path.getKey(), "mallory of globex, support", MALLORY, path.getValue()),
            Arguments.of(path.getKey(), "alice of globex", ALICE_OF_GLOBEX, path.getValue())));
    }

    private static ContractRequest json(String path, String body) {
        return ContractRequest.of("POST", path).body("application/json", body);
    }

    @ParameterizedTest(name = "{0}, by {1}")
    @MethodSource("sessionPaths")
    void anotherTenantsSession_then404AsForNone_nothingOfItAnswered_nothingWritten(String path, String who, String stranger,
                                                                                  BiFunction<String, String, ContractRequest> request) {
        Victim acme = victim();
        long before = count("session_events");
        ContractResponse refused = send(request.apply(acme.session(), acme.events().getFirst()).header("Authorization", "Bearer " + stranger));
        ContractResponse none = send(request.apply(NO_SESSION, NO_EVENT).header("Authorization", "Bearer " + stranger));
        JsonNode error = assertRefusedAsForNone(refused, none, 404, "not_found",
            Map.of(acme.session(), NO_SESSION, acme.events().getFirst(), NO_EVENT));
        assertEquals(acme.session(), error.get("details").get("session_id").getStringValue());
        assertTellsNothingOf(refused.text(), acme.secrets().subList(1, acme.secrets().size()));
        assertEquals(null, refused.header("Idempotent-Replayed").orElse(null));
        assertEquals(before, count("session_events"), "nothing written by a refused request");
        List<String> events = new ArrayList<>();
        get(ALICE, "/v1/session/" + acme.session() + "/events").json().get("events").values()
            .forEach(e -> events.add(e.get("event_id").getStringValue()));
        assertEquals(acme.events(), events, "acme's session is as it was");
    }

    @Test
    void anotherTenantsSessionAsEventStream_thenAsForNone_404WhereItStreams_406WhereNot() {
        Victim acme = victim();
        for (String stranger : List.of(MALLORY, ALICE_OF_GLOBEX)) {
            ContractResponse refused = send(ContractRequest.get("/v1/session/" + acme.session() + "/events")
                .header("Accept", "text/event-stream").header("Last-Event-ID", acme.events().getFirst())
                .header("Authorization", "Bearer " + stranger));
            ContractResponse none = send(ContractRequest.get("/v1/session/" + NO_SESSION + "/events")
                .header("Accept", "text/event-stream").header("Last-Event-ID", NO_EVENT).header("Authorization", "Bearer " + stranger));
            // Where streams run (the container) the stream's admission refuses it; elsewhere no stream is served to anyone.
            assertRefusedAsForNone(refused, none, streams() ? 404 : 406, streams() ? "not_found" : "not_acceptable",
                Map.of(acme.session(), NO_SESSION, acme.events().getFirst(), NO_EVENT));
            assertTellsNothingOf(refused.text(), acme.secrets().subList(1, acme.secrets().size()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/session/", "/session/"})
    void ownSessionAfterAnotherTenantsEvent_then400AsForNoEvent_noneOfItsEvents(String prefix) {
        Victim acme = victim();
        String own = openSession(ALICE_OF_GLOBEX);
        ContractResponse refused = get(ALICE_OF_GLOBEX, prefix + own + "/events?after=" + acme.events().getFirst());
        ContractResponse none = get(ALICE_OF_GLOBEX, prefix + own + "/events?after=" + NO_EVENT);
        JsonNode error = assertRefusedAsForNone(refused, none, 400, "validation_failed", Map.of(acme.events().getFirst(), NO_EVENT));
        assertEquals("after", error.get("details").get("violations").get(0).get("field").getStringValue());
        assertTellsNothingOf(refused.text(), acme.secrets());
    }

    private ContractResponse keyed(String token, String path, String body, String key) {
        return send(json(path, body).header("Authorization", "Bearer " + token).header("Idempotency-Key", key));
    }

    /** Asserts a 202 for a first use of a key, nothing of {@code others} in it; answers its ids. */
    private JsonNode firstUse(ContractResponse response, List<String> others) {
        JsonNode ids = accepted(response);
        assertEquals(null, response.header("Idempotent-Replayed").orElse(null), response.text());
        assertTellsNothingOf(response.text(), others);
        return ids;
    }

    /** Asserts a retry answered with the first use's ids. */
    private void replayed(ContractResponse response, JsonNode first) {
        assertEquals(first, accepted(response), response.text());
        assertEquals("true", response.header("Idempotent-Replayed").orElse(null));
    }

    private static List<String> ids(JsonNode accepted) {
        return List.of(accepted.get("session_id").getStringValue(), accepted.get("event_id").getStringValue());
    }

    @Test
    void idempotencyKeyOfAnotherTenant_thenItsOwnIntake_neverTheOthersAnswer() {
        String key = "cross-tenant-" + System.nanoTime();
        String body = "{\"message\":\"pay invoice 42\"}";
        String path = "/v1/session/message";
        JsonNode acmes = firstUse(keyed(ALICE, path, body, key), List.of());
        // The same key and body from jwt:alice of globex: a session of globex's own, not acme's answer replayed.
        JsonNode globexs = firstUse(keyed(ALICE_OF_GLOBEX, path, body, key), ids(acmes));
        assertEquals(1, get(ALICE_OF_GLOBEX, "/v1/session/" + globexs.get("session_id").getStringValue() + "/events")
            .json().get("events").size());
        // jwt:alice without a tenant is a third caller.
        String tenantless = jwt("alice", null);
        List<String> both = new ArrayList<>(ids(acmes));
        both.addAll(ids(globexs));
        JsonNode nones = firstUse(keyed(tenantless, path, body, key), both);
        // Each one's retry is answered with its own first event.
        replayed(keyed(ALICE, path, body, key), acmes);
        replayed(keyed(ALICE_OF_GLOBEX, path, body, key), globexs);
        replayed(keyed(tenantless, path, body, key), nones);

        // Another body under a key acme used is globex's first use of it, not a 422 that says acme used it.
        String second = key + "-2";
        JsonNode acmesSecond = firstUse(keyed(ALICE, path, body, second), List.of());
        firstUse(keyed(ALICE_OF_GLOBEX, "/v1/session/action", "{\"session_id\":\"" + globexs.get("session_id").getStringValue()
            + "\",\"action\":\"summarize\"}", second), ids(acmesSecond));

        // acme's own request into its session, sent word for word by globex: the intake's 404, not acme's event.
        String session = openSession(ALICE);
        String into = "{\"session_id\":\"" + session + "\",\"message\":\"into acme\"}";
        String event = firstUse(keyed(ALICE, path, into, key + "-3"), List.of()).get("event_id").getStringValue();
        long before = count("session_events");
        ContractResponse intrusion = keyed(ALICE_OF_GLOBEX, path, into, key + "-3");
        assertEnvelope(intrusion, 404, "not_found");
        assertTellsNothingOf(intrusion.text(), List.of(event));
        assertEquals(before, count("session_events"));
    }

    @Test
    void idempotencyKey_thenRetryAnswersFirstEvent_otherBodyRefused() {
        String body = "{\"message\":\"pay invoice 42\"}";
        ContractRequest first = ContractRequest.of("POST", "/v1/session/message").header("Authorization", "Bearer " + ALICE)
            .header("Idempotency-Key", "k-" + System.nanoTime()).body("application/json", body);
        JsonNode a = accepted(send(first));
        ContractResponse retry = send(first);
        JsonNode b = accepted(retry);
        assertEquals(a.get("event_id").getStringValue(), b.get("event_id").getStringValue());
        assertEquals(a.get("session_id").getStringValue(), b.get("session_id").getStringValue());
        assertEquals("true", retry.header("Idempotent-Replayed").orElse(null));
        assertEquals(1, get(ALICE, "/v1/session/" + a.get("session_id").getStringValue() + "/events").json().get("events").size());

        ContractRequest reused = ContractRequest.of("POST", "/v1/session/message").header("Authorization", "Bearer " + ALICE)
            .header("Idempotency-Key", first.headers().stream().filter(h -> h.getKey().equals("Idempotency-Key")).findFirst().orElseThrow().getValue())
            .body("application/json", "{\"message\":\"pay invoice 43\"}");
        JsonNode error = assertEnvelope(send(reused), 422, "unprocessable_content");
        assertEquals("idempotency_key_reused", error.get("details").get("reason").getStringValue());
        // Another caller's identical key is its own.
        JsonNode bobs = accepted(send(ContractRequest.of("POST", "/v1/session/message").header("Authorization", "Bearer " + BOB)
            .header("Idempotency-Key", first.headers().stream().filter(h -> h.getKey().equals("Idempotency-Key")).findFirst().orElseThrow().getValue())
            .body("application/json", body)));
        assertNotEquals(a.get("event_id").getStringValue(), bobs.get("event_id").getStringValue());
    }

    @Test
    void history_thenPagesWithAfterAndLimit_badParametersNamed() {
        String session = openSession(ALICE);
        for (int i = 1; i <= 4; i++) {
            accepted(post(ALICE, "/v1/session/message", "{\"session_id\":\"" + session + "\",\"message\":\"m" + i + "\"}"));
        }
        List<String> messages = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            ContractResponse page = get(ALICE, "/v1/session/" + session + "/events?limit=2" + (after == null ? "" : "&after=" + after));
            assertEquals(200, page.status(), page.text());
            page.json().get("events").values().forEach(e -> messages.add(e.get("message").getStringValue()));
            JsonNode next = page.json().get("next");
            after = next.isNull() ? null : next.getStringValue();
            pages++;
        } while (after != null && pages < 10);
        assertEquals(List.of("hello", "m1", "m2", "m3", "m4"), messages);
        assertEquals(3, pages);
        JsonNode error = assertEnvelope(get(ALICE, "/v1/session/" + session + "/events?limit=0"), 400, "validation_failed");
        assertEquals("limit", error.get("details").get("violations").get(0).get("field").getStringValue());
        String other = openSession(ALICE);
        String foreignEvent = get(ALICE, "/v1/session/" + other + "/events").json().get("events").get(0).get("event_id").getStringValue();
        error = assertEnvelope(get(ALICE, "/v1/session/" + session + "/events?after=" + foreignEvent), 400, "validation_failed");
        assertEquals("after", error.get("details").get("violations").get(0).get("field").getStringValue());
    }

    /**
     * @return whether this engine serves the history as {@code text/event-stream} too (the
     *         container: its streams are proved by {@code SessionStreamsTest}, as this suite's
     *         transport reads whole responses); where it does not, that {@code Accept} is 406
     */
    protected boolean streams() {
        return false;
    }

    @Test
    void historyAccept_thenJsonForJsonAnyOrNone_otherTypes406() {
        String session = openSession(ALICE);
        for (String accept : new String[] {null, "*/*", "application/json", "application/xml, */*;q=0.1"}) {
            ContractRequest request = ContractRequest.get("/v1/session/" + session + "/events").header("Authorization", "Bearer " + ALICE);
            ContractResponse page = send(accept == null ? request : request.header("Accept", accept));
            assertEquals(200, page.status(), accept + ": " + page.text());
            assertEquals("application/json", page.mediaType(), String.valueOf(accept));
            assertEquals(1, page.json().get("events").size(), page.text());
        }
        List<String> refused = new ArrayList<>(List.of("text/html", "text/plain"));
        if (!streams()) {
            refused.add("text/event-stream");
        }
        for (String accept : refused) {
            assertEnvelope(send(ContractRequest.get("/v1/session/" + session + "/events").header("Authorization", "Bearer " + ALICE)
                .header("Accept", accept)), 406, "not_acceptable");
        }
    }

    @Test
    void decisionService_thenDecidesWithSessionAndAction_deny403() {
        String session = openSession(ALICE);
        JsonNode error = assertEnvelope(post(ALICE, "/v1/session/action", "{\"session_id\":\"" + session + "\",\"action\":\"status_report\"}"),
            403, "forbidden");
        assertNotNull(error.get("details"));
        Map<String, Object> input = opa.inputs("gatehouse/sessions/allow").getLast();
        Map<?, ?> route = (Map<?, ?>) input.get("route");
        assertEquals("gatehouse.sessions", route.get("id"));
        assertEquals(Map.of("session_id", session, "action", "status_report"), route.get("variables"));
        assertEquals("acme", ((Map<?, ?>) input.get("principal")).get("tenant"));
        assertEnvelope(post(jwt("blocked", "acme"), "/v1/session/message", "{\"message\":\"m\"}"), 403, "forbidden");
    }

    @Test
    void legacySessionPaths_thenSameAnswersAsV1_andNotInTheOpenApiDocument() {
        JsonNode ids = accepted(post(ALICE, "/session/message", "{\"message\":\"from an old client\"}"));
        String session = ids.get("session_id").getStringValue();
        accepted(post(ALICE, "/session/action", "{\"session_id\":\"" + session + "\",\"action\":\"next_steps\"}"));
        ContractResponse history = get(ALICE, "/session/" + session + "/events");
        assertEquals(200, history.status(), history.text());
        assertEquals(2, history.json().get("events").size());
        assertEquals(history.json().get("events").toString(), get(ALICE, "/v1/session/" + session + "/events").json().get("events").toString());
        assertEnvelope(get(MALLORY, "/session/" + session + "/events"), 404, "not_found");
        assertEquals("message", violation(post(ALICE, "/session/message", "{}")));
        JsonNode paths = send(ContractRequest.get("/v1/openapi.json")).json().get("paths");
        assertNotNull(paths.get("/v1/session/message"));
        assertEquals(null, paths.get("/session/message"));
        assertEquals(null, paths.get("/session/{id}/events"));
    }

    private String sentAt(String eventId) {
        try (Connection c = DriverManager.getConnection(schema().url(), "postgres", "");
             PreparedStatement s = c.prepareStatement("SELECT sent_at FROM session_outbox WHERE event_id = ?")) {
            s.setString(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(String table) {
        try (Connection c = DriverManager.getConnection(schema().url(), "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> redisHash(String key) {
        RedisClient client = RedisClient.create(TestServices.redisUri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            long deadline = System.currentTimeMillis() + 5000;
            Map<String, String> hash = connection.sync().hgetall(key);
            while (hash.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();
                hash = connection.sync().hgetall(key);
            }
            assertTrue(connection.sync().pttl(key) > 0, "the state expires");
            return hash;
        } finally {
            client.shutdown();
        }
    }
}
