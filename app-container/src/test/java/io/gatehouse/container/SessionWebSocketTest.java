package io.gatehouse.container;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.ContractTestBase;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.contract.SessionContractTest;
import io.gatehouse.testing.Await;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session WebSocket, {@code /v1/session/{id}/stream}, across two gateway instances on one
 * PostgreSQL schema with the real Kafka and Redis, through the JDK's WebSocket client: a reply
 * produced to the outbound topic reaches a socket on the other instance; a message sent as a frame
 * is acknowledged with its event id and is in the history; a second session is followed with
 * {@code subscribe}; {@code after} replays exactly what was missed; a stranger gets the error frame
 * and 1008, a foreign {@code subscribe} an error frame, each as for a session that does not exist,
 * and a key another tenant used is never answered with its ack; an unknown field or type is named in an
 * error frame; a client that stops reading is closed with 1013 while other sockets go on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionWebSocketTest {

    private static final String ALICE = SessionCluster.jwt("alice", "acme");
    private static final String MALLORY = SessionCluster.jwt("mallory", "globex");
    /** Another tenant's caller with ALICE's method and subject: {@code jwt:alice} of globex. */
    private static final String ALICE_OF_GLOBEX = SessionCluster.jwt("alice", "globex");
    /** Frames naming a session ({S}) and one of its events ({E}), each with the ref {@code r}. */
    private static final List<String> FRAMES_NAMING_A_SESSION = List.of(
        "{\"type\":\"subscribe\",\"ref\":\"r\",\"session_id\":\"{S}\"}",
        "{\"type\":\"subscribe\",\"ref\":\"r\",\"session_id\":\"{S}\",\"after\":\"{E}\"}",
        "{\"type\":\"message\",\"ref\":\"r\",\"session_id\":\"{S}\",\"message\":\"intrude\"}",
        "{\"type\":\"message\",\"ref\":\"r\",\"session_id\":\"{S}\",\"message\":\"intrude\",\"idempotency_key\":\"k-{E}\"}",
        "{\"type\":\"action\",\"ref\":\"r\",\"session_id\":\"{S}\",\"action\":\"summarize\"}");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int MAX_PENDING = 32;
    private static final String SLOW_READERS = "gatehouse_session_socket_disconnects_total{reason=\"slow_reader\"";

    private final JsonMapper json = JsonMapper.createDefault();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private SessionCluster cluster;
    private NettyRuntime runtimeA;
    private NettyRuntime runtimeB;
    private GatewayTransport gatewayA;

    @BeforeAll
    void start() throws Exception {
        cluster = new SessionCluster("websocket", Map.of("gateway.conversations.max-message-length", 60_000,
            "gateway.conversations.websocket.max-pending", MAX_PENDING, "gateway.session.secret", SessionContractTest.SESSION_SECRET));
        runtimeA = cluster.runtimeA;
        runtimeB = cluster.runtimeB;
        gatewayA = cluster.gatewayA;
    }

    @AfterAll
    void stop() {
        sockets.forEach(Socket::abort);
        if (cluster != null) {
            cluster.close();
        }
    }

    private String openSession(String token) {
        return cluster.openSession(token);
    }

    private void reply(String session, String eventId, String message) throws Exception {
        cluster.reply(session, eventId, message);
    }

    private static String newEventId(String prefix) {
        return "e_" + prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }

    private List<String> historyIds(String session) {
        return cluster.historyIds(session, ALICE);
    }

    private Socket connect(NettyRuntime runtime, String token, String path) throws Exception {
        return connect(runtime, token, path, Map.of());
    }

    private Socket connect(NettyRuntime runtime, String token, String path, Map<String, String> headers) throws Exception {
        Socket socket = new Socket();
        URI uri = URI.create("ws://" + runtime.uri().getHost() + ":" + runtime.uri().getPort() + path);
        WebSocket.Builder builder = http.newWebSocketBuilder();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        headers.forEach(builder::header);
        socket.webSocket = builder.buildAsync(uri, socket).get(10, TimeUnit.SECONDS);
        sockets.add(socket);
        return socket;
    }

    private Socket follow(NettyRuntime runtime, String session) throws Exception {
        Socket socket = connect(runtime, ALICE, "/v1/session/" + session + "/stream");
        JsonNode subscribed = socket.next("subscribed");
        assertEquals(session, subscribed.get("session_id").getStringValue());
        return socket;
    }

    @Test
    void replyProducedToKafka_thenSocketOnOtherInstanceReceivesTheEnvelope() throws Exception {
        String session = openSession(ALICE);
        Socket socket = follow(runtimeB, session);
        String eventId = newEventId("reply");
        reply(session, eventId, "Here is the summary");

        JsonNode event = socket.next("event").get("event");
        assertEquals(eventId, event.get("event_id").getStringValue());
        assertEquals(session, event.get("session_id").getStringValue());
        assertEquals("assistant", event.get("role").getStringValue());
        assertEquals("reply", event.get("kind").getStringValue());
        assertEquals("analyst", event.get("persona_id").getStringValue());
        assertEquals("Here is the summary", event.get("message").getStringValue());
        assertEquals("m1", event.get("metadata").get("model").getStringValue());
        assertNotNull(event.get("created_at").getStringValue());
        // The same envelope as a history page shows.
        Await.until("the reply is in the history", WAIT, () -> historyIds(session).contains(eventId));
        assertNull(socket.poll(Duration.ofMillis(1500)), "nothing repeated");
        assertTrue(socket.pings.get() > 0 || Await.millisUntil(() -> socket.pings.get() > 0, 3000) >= 0, "the server pings");
    }

    @Test
    void messageAndActionAsFrames_thenAckedWithTheirEventIds_andInTheHistory() throws Exception {
        String session = openSession(ALICE);
        Socket socket = follow(runtimeA, session);
        socket.send("{\"type\":\"message\",\"ref\":\"m-1\",\"message\":\"are you there?\",\"persona_id\":\"analyst\","
            + "\"metadata\":{\"channel\":\"ws\"},\"attachments\":[{\"url\":\"https://example.com/a.png\"}]}");
        JsonNode event = socket.next("event").get("event");
        JsonNode ack = socket.next("ack");
        assertEquals("m-1", ack.get("ref").getStringValue());
        assertEquals(session, ack.get("session_id").getStringValue());
        String eventId = ack.get("event_id").getStringValue();
        assertEquals(eventId, event.get("event_id").getStringValue(), "the caller's own message is on its socket");
        assertEquals("user", event.get("role").getStringValue());
        assertEquals("ws", event.get("metadata").get("channel").getStringValue());
        assertTrue(historyIds(session).contains(eventId));

        socket.send("{\"type\":\"action\",\"action\":\"summarize\",\"params\":{\"depth\":2}}");
        String actionId = socket.next("event").get("event").get("event_id").getStringValue();
        JsonNode actionAck = socket.next("ack");
        assertEquals(actionId, actionAck.get("event_id").getStringValue());
        assertNull(actionAck.get("ref"), "no ref sent, none echoed");
        assertEquals(List.of(eventId, actionId), historyIds(session).subList(1, 3));

        // Invalid content is the intake's validation, as an error frame; the socket stays open.
        socket.send("{\"type\":\"message\",\"ref\":\"m-2\",\"message\":\"  \"}");
        JsonNode error = socket.next("error");
        assertEquals("m-2", error.get("ref").getStringValue());
        assertEquals("validation_failed", error.get("error").get("code").getStringValue());
        assertEquals("message", error.get("error").get("details").get("violations").get(0).get("field").getStringValue());
        socket.send("{\"type\":\"message\",\"message\":\"still here\"}");
        socket.next("event");
        socket.next("ack");
    }

    @Test
    void subscribeToASecondSession_thenItsEventsArrive_untilUnsubscribed() throws Exception {
        String first = openSession(ALICE);
        String second = openSession(ALICE);
        Socket socket = follow(runtimeB, first);
        socket.send("{\"type\":\"subscribe\",\"session_id\":\"" + second + "\",\"ref\":\"sub-1\"}");
        JsonNode subscribed = socket.next("subscribed");
        assertEquals(second, subscribed.get("session_id").getStringValue());
        assertEquals("sub-1", subscribed.get("ref").getStringValue());

        String toSecond = newEventId("second");
        reply(second, toSecond, "for the second");
        JsonNode event = socket.next("event").get("event");
        assertEquals(toSecond, event.get("event_id").getStringValue());
        assertEquals(second, event.get("session_id").getStringValue());
        String toFirst = newEventId("first");
        reply(first, toFirst, "for the first");
        assertEquals(toFirst, socket.next("event").get("event").get("event_id").getStringValue());

        socket.send("{\"type\":\"subscribe\",\"session_id\":\"" + second + "\"}");
        assertEquals("session_id", socket.next("error").get("error").get("details").get("violations").get(0).get("field")
            .getStringValue(), "a session followed already");
        socket.send("{\"type\":\"unsubscribe\",\"session_id\":\"" + second + "\"}");
        assertEquals(second, socket.next("unsubscribed").get("session_id").getStringValue());
        reply(second, newEventId("gone"), "not for the socket");
        String again = newEventId("again");
        reply(first, again, "still following the first");
        assertEquals(again, socket.next("event").get("event").get("event_id").getStringValue(), "only the first session's");
    }

    @Test
    void after_thenReplaysExactlyTheMissedEventsInOrder_thenLiveWithoutRepeats() throws Exception {
        String session = openSession(ALICE);
        String seen = historyIds(session).getFirst();
        List<String> missed = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String id = newEventId("missed" + i);
            reply(session, id, "missed " + i);
            missed.add(id);
        }
        Await.until("the missed events are stored", WAIT, () -> historyIds(session).containsAll(missed));
        List<String> expected = historyIds(session).subList(1, 4);

        Socket socket = connect(runtimeB, ALICE, "/v1/session/" + session + "/stream?after=" + seen);
        socket.next("subscribed");
        List<String> replayed = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            replayed.add(socket.next("event").get("event").get("event_id").getStringValue());
        }
        assertEquals(expected, replayed, "the missed events, in the order of the history");
        String live = newEventId("live");
        reply(session, live, "live one");
        assertEquals(live, socket.next("event").get("event").get("event_id").getStringValue());
        assertNull(socket.poll(Duration.ofMillis(1500)), "nothing repeated after the live event");

        // subscribe with after does the same for another session on the same socket.
        String other = openSession(ALICE);
        Socket second = follow(runtimeA, other);
        second.send("{\"type\":\"subscribe\",\"session_id\":\"" + session + "\",\"after\":\"" + expected.get(1) + "\"}");
        second.next("subscribed");
        assertEquals(expected.get(2), second.next("event").get("event").get("event_id").getStringValue());
        assertEquals(live, second.next("event").get("event").get("event_id").getStringValue());
        assertNull(second.poll(Duration.ofMillis(1000)));

        // An after that is not an event of the session is refused like the stream's.
        second.send("{\"type\":\"subscribe\",\"session_id\":\"" + openSession(ALICE) + "\",\"after\":\"" + live + "\"}");
        assertEquals("after", second.next("error").get("error").get("details").get("violations").get(0).get("field").getStringValue());
    }

    @Test
    void otherTenant_thenErrorFrameAnd1008_andAForeignSubscribeIsAnErrorFrame() throws Exception {
        String alices = openSession(ALICE);
        Socket stranger = connect(runtimeB, MALLORY, "/v1/session/" + alices + "/stream");
        JsonNode refusal = stranger.next("error").get("error");
        assertEquals("not_found", refusal.get("code").getStringValue());
        assertEquals(alices, refusal.get("details").get("session_id").getStringValue());
        assertEquals(1008, stranger.closeCode());

        Socket anonymous = connect(runtimeB, null, "/v1/session/" + alices + "/stream");
        assertEquals("unauthorized", anonymous.next("error").get("error").get("code").getStringValue());
        assertEquals(1008, anonymous.closeCode());

        String malloryS = openSession(MALLORY);
        Socket socket = follow(runtimeB, alices);
        socket.send("{\"type\":\"subscribe\",\"session_id\":\"" + malloryS + "\",\"ref\":\"x\"}");
        JsonNode error = socket.next("error");
        assertEquals("x", error.get("ref").getStringValue());
        assertEquals("not_found", error.get("error").get("code").getStringValue());
        // A message to a foreign session is the intake's 404, and the socket goes on.
        socket.send("{\"type\":\"message\",\"session_id\":\"" + malloryS + "\",\"message\":\"hi\"}");
        assertEquals("not_found", socket.next("error").get("error").get("code").getStringValue());
        socket.send("{\"type\":\"message\",\"message\":\"mine\"}");
        socket.next("event");
        socket.next("ack");
    }

    /** Asserts that the upgrades of two paths are refused alike (an error frame, then 1008) but for the ids. */
    private JsonNode refusedAlike(String token, String path, String reference, Map<String, String> ids) throws Exception {
        Socket refused = connect(runtimeB, token, path);
        Socket none = connect(runtimeB, token, reference);
        JsonNode error = ContractTestBase.assertSameError(refused.next("error").get("error"), none.next("error").get("error"), ids);
        assertEquals(1008, refused.closeCode());
        assertEquals(1008, none.closeCode());
        return error;
    }

    /** Asserts that a frame about acme's session and the same frame about none are answered with the same error frame. */
    private JsonNode frameRefusedAlike(Socket socket, String frame, Map<String, String> ids) throws Exception {
        String reference = frame;
        for (Map.Entry<String, String> id : ids.entrySet()) {
            reference = reference.replace(id.getKey(), id.getValue());
        }
        socket.send(frame);
        JsonNode refused = socket.next("error");
        socket.send(reference);
        JsonNode none = socket.next("error");
        assertEquals("r", refused.get("ref").getStringValue(), refused.toString());
        return ContractTestBase.assertSameError(refused.get("error"), none.get("error"), ids);
    }

    @Test
    void anotherTenantsSession_thenEveryUpgradeAndFrameRefusedAsForNone_andOwnSocketsCarryNothingOfIt() throws Exception {
        String acmes = openSession(ALICE);
        String acmeEvent = historyIds(acmes).getFirst();
        Map<String, String> ids = Map.of(acmes, ContractTestBase.NO_SESSION, acmeEvent, ContractTestBase.NO_EVENT);
        String stream = "/v1/session/%s/stream";
        Socket strangers = null;
        for (String stranger : List.of(MALLORY, ALICE_OF_GLOBEX)) {
            // The upgrade to its session, live or after one of its events: the error frame for no session, then 1008.
            assertEquals("not_found", refusedAlike(stranger, stream.formatted(acmes), stream.formatted(ContractTestBase.NO_SESSION), ids)
                .get("code").getStringValue());
            refusedAlike(stranger, stream.formatted(acmes) + "?after=" + acmeEvent,
                stream.formatted(ContractTestBase.NO_SESSION) + "?after=" + ContractTestBase.NO_EVENT, ids);
            // Its event to resume one's own session from: the error for an event that does not exist.
            String own = openSession(stranger);
            JsonNode invalid = refusedAlike(stranger, stream.formatted(own) + "?after=" + acmeEvent,
                stream.formatted(own) + "?after=" + ContractTestBase.NO_EVENT, ids);
            assertEquals("validation_failed", invalid.get("code").getStringValue());

            // On a socket of its own: each frame naming acme's session (and event) is refused as for none; the socket goes on.
            strangers = connect(runtimeB, stranger, stream.formatted(own));
            strangers.next("subscribed");
            for (String frame : FRAMES_NAMING_A_SESSION) {
                JsonNode error = frameRefusedAlike(strangers, frame.replace("{S}", acmes).replace("{E}", acmeEvent), ids);
                assertEquals("not_found", error.get("code").getStringValue(), frame);
            }
            String second = openSession(stranger);
            JsonNode after = frameRefusedAlike(strangers, "{\"type\":\"subscribe\",\"ref\":\"r\",\"session_id\":\"" + second
                + "\",\"after\":\"" + acmeEvent + "\"}", ids);
            assertEquals("after", after.get("details").get("violations").get(0).get("field").getStringValue());
        }

        // acme's frame with a key, sent word for word by jwt:alice of globex: not_found, never acme's ack;
        // the key on a message of globex's own session is globex's first use of it.
        Socket owners = follow(runtimeB, acmes);
        String keyed = "{\"type\":\"message\",\"session_id\":\"" + acmes + "\",\"message\":\"keyed\",\"idempotency_key\":\"ws-"
            + UUID.randomUUID() + "\"}";
        owners.send(keyed);
        String acmesKeyed = owners.next("event").get("event").get("event_id").getStringValue();
        assertEquals(acmesKeyed, owners.next("ack").get("event_id").getStringValue());
        strangers.send(keyed);
        JsonNode intrusion = strangers.next("error");
        assertEquals("not_found", intrusion.get("error").get("code").getStringValue());
        ContractTestBase.assertTellsNothingOf(intrusion.toString(), List.of(acmesKeyed));
        strangers.send(keyed.replace("\"session_id\":\"" + acmes + "\",", ""));
        String mine = strangers.next("event").get("event").get("event_id").getStringValue();
        JsonNode ack = strangers.next("ack");
        assertEquals(mine, ack.get("event_id").getStringValue());
        assertNull(ack.get("replayed"), ack.toString());

        // acme's reply and message reach acme's socket on the same instance, and nothing of them globex's.
        String reply = newEventId("acme");
        reply(acmes, reply, "for acme only");
        String message = SessionCluster.accepted(SessionCluster.post(gatewayA, ALICE, "{\"session_id\":\"" + acmes
            + "\",\"message\":\"acme again\"}")).get("event_id").getStringValue();
        assertEquals(java.util.Set.of(reply, message), java.util.Set.of(owners.next("event").get("event").get("event_id").getStringValue(),
            owners.next("event").get("event").get("event_id").getStringValue()));
        assertNull(strangers.poll(Duration.ofMillis(1000)), "nothing of acme's on globex's socket");
    }

    @Test
    void sessionCookieFromAnotherSite_thenForbiddenAnd1008_fromThisHostAdmitted() throws Exception {
        String cookie = "gatehouse_session=" + SessionContractTest.session("s-ws", "u_carol", List.of());
        String session = SessionCluster.accepted(gatewayA.send(ContractRequest.of("POST", "/v1/session/message").cookie(cookie)
            .body("application/json", "{\"message\":\"from the browser\"}"))).get("session_id").getStringValue();
        String path = "/v1/session/" + session + "/stream";

        Socket hijack = connect(runtimeA, null, path, Map.of("Cookie", cookie, "Origin", "https://evil.example.net"));
        JsonNode refusal = hijack.next("error").get("error");
        assertEquals("forbidden", refusal.get("code").getStringValue());
        assertEquals("cross_origin_websocket", refusal.get("details").get("reason").getStringValue());
        assertEquals(1008, hijack.closeCode());

        Socket page = connect(runtimeA, null, path, Map.of("Cookie", cookie, "Origin", "http://127.0.0.1:" + runtimeA.uri().getPort()));
        assertEquals(session, page.next("subscribed").get("session_id").getStringValue());
        // A bearer token is not sent by a browser on its own: the Origin does not matter to it.
        Socket bearer = connect(runtimeA, ALICE, "/v1/session/" + openSession(ALICE) + "/stream", Map.of("Origin", "https://elsewhere.example"));
        bearer.next("subscribed");
    }

    @Test
    void unknownFieldTypeOrNotJson_thenAnErrorFrameNamingIt_andTheSocketStaysOpen() throws Exception {
        Socket socket = follow(runtimeA, openSession(ALICE));
        socket.send("{\"type\":\"message\",\"message\":\"hi\",\"colour\":\"red\",\"ref\":\"r\"}");
        JsonNode error = socket.next("error");
        assertEquals("r", error.get("ref").getStringValue());
        assertEquals("validation_failed", error.get("error").get("code").getStringValue());
        JsonNode violation = error.get("error").get("details").get("violations").get(0);
        assertEquals("colour", violation.get("field").getStringValue());
        assertTrue(violation.get("message").getStringValue().contains("not a field"), violation.toString());

        socket.send("{\"type\":\"shout\",\"message\":\"hi\"}");
        JsonNode type = socket.next("error").get("error").get("details").get("violations").get(0);
        assertEquals("type", type.get("field").getStringValue());
        assertTrue(type.get("message").getStringValue().contains("'shout'"), type.toString());

        socket.send("{\"message\":\"no type\"}");
        assertEquals("type", socket.next("error").get("error").get("details").get("violations").get(0).get("field").getStringValue());
        socket.send("not json");
        assertEquals("invalid_json", socket.next("error").get("error").get("code").getStringValue());
        socket.send("{\"type\":\"message\",\"message\":42}");
        assertEquals("message", socket.next("error").get("error").get("details").get("violations").get(0).get("field").getStringValue());
        socket.send("{\"type\":\"message\",\"message\":\"after all that\"}");
        socket.next("event");
        socket.next("ack");
    }

    @Test
    void idempotencyKeyOnAFrame_thenARetryAcksTheFirstEvent_likeThePostWithTheSameKey() throws Exception {
        String session = openSession(ALICE);
        Socket socket = follow(runtimeA, session);
        String key = "ws-key-" + UUID.randomUUID();
        socket.send("{\"type\":\"message\",\"message\":\"once\",\"idempotency_key\":\"" + key + "\",\"ref\":\"a\"}");
        socket.next("event");
        JsonNode first = socket.next("ack");
        assertNull(first.get("replayed"), "a first use is not a replay");
        socket.send("{\"type\":\"message\",\"message\":\"once\",\"idempotency_key\":\"" + key + "\",\"ref\":\"b\"}");
        JsonNode again = socket.next("ack");
        assertEquals(first.get("event_id").getStringValue(), again.get("event_id").getStringValue());
        assertTrue(again.get("replayed").getBooleanValue());
        assertEquals("b", again.get("ref").getStringValue());

        // The same key from the same caller over HTTP is the same intake.
        ContractResponse post = cluster.gatewayB.send(ContractRequest.of("POST", "/v1/session/message").header("Authorization", "Bearer " + ALICE)
            .header("Idempotency-Key", key).body("application/json", "{\"session_id\":\"" + session + "\",\"message\":\"once\"}"));
        assertEquals(202, post.status(), post.text());
        assertEquals(first.get("event_id").getStringValue(), post.json().get("event_id").getStringValue());
        assertEquals("true", post.header("Idempotent-Replayed").orElse(null));

        socket.send("{\"type\":\"message\",\"message\":\"another\",\"idempotency_key\":\"" + key + "\"}");
        assertEquals("unprocessable_content", socket.next("error").get("error").get("code").getStringValue());
        socket.send("{\"type\":\"action\",\"action\":\"summarize\",\"idempotency_key\":\"two keys, joined\"}");
        assertEquals("idempotency_key",
            socket.next("error").get("error").get("details").get("violations").get(0).get("field").getStringValue());
        assertEquals(2, historyIds(session).size(), "the opening message and the keyed one, once");
    }

    @Test
    void pingAnswered_andAMessageOverTheLimit_then1009_evenInFragments() throws Exception {
        String session = openSession(ALICE);
        Socket socket = follow(runtimeA, session);
        socket.webSocket.sendPing(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})).get(10, TimeUnit.SECONDS);
        Await.until("the gateway answers the ping", WAIT, () -> socket.pongs.get() > 0);

        // Fragments each under the frame limit, together over it: refused before they are joined.
        String part = "x".repeat(100_000);
        socket.webSocket.sendText("{\"type\":\"message\",\"message\":\"" + part, false).get(10, TimeUnit.SECONDS);
        socket.webSocket.sendText(part, false).get(10, TimeUnit.SECONDS);
        socket.webSocket.sendText(part + "\"}", true).exceptionally(e -> null).get(10, TimeUnit.SECONDS);
        assertEquals(1009, socket.closeCode());

        Socket single = follow(runtimeA, session);
        single.webSocket.sendText("{\"type\":\"message\",\"message\":\"" + "y".repeat(300_000) + "\"}", true)
            .exceptionally(e -> null).get(10, TimeUnit.SECONDS);
        assertEquals(1009, single.closeCode());
        assertEquals(1, historyIds(session).size(), "nothing stored");
    }

    @Test
    void instanceStops_thenItsSocketsAreClosedWith1012() throws Exception {
        try (SessionCluster.Stopping stopping = cluster.stopping(Duration.ofSeconds(5))) {
            Socket socket = follow(stopping.runtime(), openSession(ALICE));
            Thread drain = stopping.drain();
            assertEquals(1012, socket.closeCode(), "told to reconnect elsewhere, before the grace period ends");
            drain.join(Duration.ofSeconds(10));
            assertTrue(!drain.isAlive(), "the drain ended with the last socket");
        }
    }

    @Test
    void clientStopsReading_then1013_andOtherSocketsGoOn() throws Exception {
        String session = openSession(ALICE);
        Socket slow = follow(runtimeA, session);
        Socket other = follow(runtimeA, session);
        slow.reading = false;
        double before = SessionCluster.gauge(gatewayA, SLOW_READERS);
        double subscribers = SessionCluster.gauge(gatewayA, "gatehouse_stream_subscribers");
        String large = "x".repeat(50_000);
        int sent = 0;
        // Large events until the gateway gives up on the slow client: its socket buffers fill first,
        // then the gateway's queue of max-pending frames.
        while (sent < 600 && SessionCluster.gauge(gatewayA, SLOW_READERS) == before) {
            SessionCluster.accepted(SessionCluster.post(gatewayA, ALICE, "{\"session_id\":\"" + session + "\",\"message\":\"" + large + "\"}"));
            sent++;
            other.drain();
        }
        assertTrue(sent < 600, "the slow client was closed after " + sent + " events of 50 kB");
        // Its subscription left the hub at once: nothing more is queued for it, whatever arrives.
        assertEquals(subscribers - 1, SessionCluster.gauge(gatewayA, "gatehouse_stream_subscribers"));
        for (int i = 0; i < 20; i++) {
            SessionCluster.accepted(SessionCluster.post(gatewayA, ALICE, "{\"session_id\":\"" + session + "\",\"message\":\"" + large + "\"}"));
        }
        assertEquals(before + 1, SessionCluster.gauge(gatewayA, SLOW_READERS), "closed once");
        slow.reading = true;
        slow.webSocket.request(Long.MAX_VALUE);
        assertEquals(1013, slow.closeCode());

        // The other socket of the same session is still served, and so is a new one.
        String eventId = newEventId("after");
        reply(session, eventId, "after the slow one");
        Await.until("the other socket has the reply", WAIT, () -> other.drain().contains(eventId));
        Socket fresh = follow(runtimeA, session);
        fresh.send("{\"type\":\"message\",\"message\":\"new\"}");
        fresh.next("event");
        fresh.next("ack");
    }

    /**
     * A WebSocket client that collects whole text frames as JSON; {@link #reading} off, it stops
     * asking for frames (the JDK's client then stops reading from the connection).
     */
    private final class Socket implements WebSocket.Listener {

        private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger pongs = new java.util.concurrent.atomic.AtomicInteger();
        private final List<String> seen = new CopyOnWriteArrayList<>();
        volatile boolean reading = true;
        WebSocket webSocket;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(json.readValue(partial.toString(), JsonNode.class));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
            pings.incrementAndGet();
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, java.nio.ByteBuffer message) {
            pongs.incrementAndGet();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        void send(String frame) throws Exception {
            webSocket.sendText(frame, true).get(10, TimeUnit.SECONDS);
        }

        JsonNode next(String type) throws InterruptedException {
            JsonNode frame = poll(WAIT);
            assertNotNull(frame, "no frame within " + WAIT);
            assertEquals(type, frame.get("type").getStringValue(), frame.toString());
            return frame;
        }

        JsonNode poll(Duration timeout) throws InterruptedException {
            return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** @return the ids of every event this socket has received so far */
        List<String> drain() {
            List<JsonNode> taken = new ArrayList<>();
            frames.drainTo(taken);
            for (JsonNode frame : taken) {
                if ("event".equals(frame.get("type").getStringValue())) {
                    seen.add(frame.get("event").get("event_id").getStringValue());
                }
            }
            return seen;
        }

        int closeCode() throws Exception {
            return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        void abort() {
            if (webSocket != null) {
                webSocket.abort();
            }
        }
    }
}
