package io.gatehouse.container;

import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.ContractTestBase;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.testing.Await;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Session streams across two gateway instances on one PostgreSQL schema, with the real Kafka and
 * Redis: a reply produced to the outbound topic (a topic of this run's own) reaches a stream on
 * either instance, stored once; {@code Last-Event-ID} replays exactly what was missed, in order,
 * then live events follow without repeats; a stranger's stream is the 404 envelope before any byte
 * of a stream, and another tenant's session, or its event as {@code Last-Event-ID}, is answered as
 * one that does not exist; a caller's own message appears on its stream on the instance that took it, and on
 * the other instance's through the inbound topic, once each; a record
 * that cannot be read is counted and skipped. {@code Accept} on the one route is the conversation
 * contract's ({@link NettyConversationContractTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionStreamsTest {

    private static final String ALICE = SessionCluster.jwt("alice", "acme");
    private static final String MALLORY = SessionCluster.jwt("mallory", "globex");
    /** Another tenant's caller with ALICE's method and subject: {@code jwt:alice} of globex. */
    private static final String ALICE_OF_GLOBEX = SessionCluster.jwt("alice", "globex");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String STORE_UNREADABLE = "gatehouse_reply_store_total{outcome=\"unreadable\"";
    private static final String STORE_FAILED = "gatehouse_reply_store_total{outcome=\"failed\"";
    private static final String LIVE_FAILED = "gatehouse_stream_replies_total{outcome=\"failed\"";
    private static final String LIVE_LAG = "gatehouse_kafka_consumer_lag{consumer=\"reply_fan_out\"";

    private final JsonMapper json = JsonMapper.createDefault();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Sse> streams = new ArrayList<>();
    private SessionCluster cluster;
    private KafkaProducer<String, String> producer;
    private String topic;
    private NettyRuntime runtimeA;
    private NettyRuntime runtimeB;
    private GatewayTransport gatewayA;
    private GatewayTransport gatewayB;

    @BeforeAll
    void start() throws Exception {
        cluster = new SessionCluster("streams", Map.of());
        producer = cluster.producer;
        topic = cluster.topic;
        runtimeA = cluster.runtimeA;
        runtimeB = cluster.runtimeB;
        gatewayA = cluster.gatewayA;
        gatewayB = cluster.gatewayB;
    }

    @AfterAll
    void stop() {
        streams.forEach(Sse::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    static double gauge(GatewayTransport gateway, String name) {
        return SessionCluster.gauge(gateway, name);
    }

    private static ContractResponse post(GatewayTransport gateway, String token, String body) {
        return SessionCluster.post(gateway, token, body);
    }

    private JsonNode accepted(ContractResponse response) {
        return SessionCluster.accepted(response);
    }

    private String openSession() {
        return cluster.openSession(ALICE);
    }

    private void reply(String session, String eventId, String message) throws Exception {
        cluster.reply(session, eventId, message);
    }

    private List<JsonNode> history(String session) {
        return cluster.history(session, ALICE);
    }

    private List<String> historyIds(String session) {
        return cluster.historyIds(session, ALICE);
    }

    private Sse stream(NettyRuntime runtime, String token, String session, Map<String, String> headers) throws Exception {
        return stream(runtime, token, session, "", headers);
    }

    private Sse stream(NettyRuntime runtime, String token, String session, String query, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(runtime.uri() + "/v1/session/" + session + "/events" + query))
            .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token);
        headers.forEach(request::header);
        Sse sse = new Sse(http.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        streams.add(sse);
        return sse;
    }

    @Test
    void replyProducedToKafka_thenStreamOnOtherInstanceReceivesIt_storedOnce() throws Exception {
        String session = openSession();
        Sse sse = stream(runtimeB, ALICE, session, Map.of());
        assertEquals(200, sse.status());
        assertEquals("text/event-stream", sse.response.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no-cache", sse.response.headers().firstValue("Cache-Control").orElse(""));

        String eventId = "e_reply_" + UUID.randomUUID().toString().replace("-", "");
        reply(session, eventId, "Here is the summary");
        Sse.Event event = sse.next();
        assertEquals(eventId, event.id());
        JsonNode data = json.readValue(event.data(), JsonNode.class);
        assertEquals(eventId, data.get("event_id").getStringValue());
        assertEquals(session, data.get("session_id").getStringValue());
        assertEquals("assistant", data.get("role").getStringValue());
        assertEquals("reply", data.get("kind").getStringValue());
        assertEquals("analyst", data.get("persona_id").getStringValue());
        assertEquals("Here is the summary", data.get("message").getStringValue());
        assertEquals("m1", data.get("metadata").get("model").getStringValue());
        assertNotNull(data.get("created_at").getStringValue());

        // Both instances consumed the record; the session holds it once.
        Await.until("the reply is in the history", WAIT, () -> historyIds(session).size() >= 2);
        assertEquals(2, historyIds(session).size());
        assertEquals(1, historyIds(session).stream().filter(eventId::equals).count());
        // Idle: heartbeat comments (every second here) and nothing else.
        assertTrue(sse.awaitHeartbeat(Duration.ofSeconds(5)), "a heartbeat comment");
        assertNull(sse.poll(Duration.ofMillis(500)), "no event repeated");
    }

    @Test
    void lastEventId_thenReplaysExactlyTheMissedEventsInOrder_thenLiveWithoutRepeats() throws Exception {
        String session = openSession();
        String seen = historyIds(session).getFirst();
        List<String> missed = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String id = "e_missed_" + i + "_" + UUID.randomUUID().toString().replace("-", "");
            reply(session, id, "missed " + i);
            missed.add(id);
        }
        missed.add(1, accepted(post(gatewayA, ALICE, "{\"session_id\":\"" + session + "\",\"message\":\"while away\"}"))
            .get("event_id").getStringValue());
        Await.until("the missed events are stored", WAIT, () -> historyIds(session).containsAll(missed));
        List<String> expected = historyIds(session).subList(1, 5);
        assertEquals(new java.util.HashSet<>(missed), new java.util.HashSet<>(expected));

        Sse sse = stream(runtimeB, ALICE, session, Map.of("Last-Event-ID", seen));
        assertEquals(200, sse.status());
        List<String> replayed = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            replayed.add(sse.next().id());
        }
        assertEquals(expected, replayed, "the missed events, in the order of the history");

        String live = "e_live_" + UUID.randomUUID().toString().replace("-", "");
        reply(session, live, "live one");
        assertEquals(live, sse.next().id());
        assertNull(sse.poll(Duration.ofMillis(1500)), "nothing repeated after the live event");

        // ?after= does the same for a client that cannot set the header.
        HttpRequest request = HttpRequest.newBuilder(URI.create(runtimeA.uri() + "/v1/session/" + session + "/events?after="
            + expected.get(2))).header("Accept", "text/event-stream").header("Authorization", "Bearer " + ALICE).build();
        Sse byQuery = new Sse(http.send(request, HttpResponse.BodyHandlers.ofLines()));
        streams.add(byQuery);
        assertEquals(expected.get(3), byQuery.next().id());
        assertEquals(live, byQuery.next().id());
    }

    @Test
    void reconnectWhileRepliesArrive_thenEveryEventOnceInTheOrderOfTheHistory() throws Exception {
        String session = openSession();
        String seen = historyIds(session).getFirst();
        List<String> produced = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread agent = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 40; i++) {
                    String id = "e_race_" + i + "_" + UUID.randomUUID().toString().replace("-", "");
                    reply(session, id, "reply " + i);
                    produced.add(id);
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Connect in the middle of the replies: some are replayed, some live, some both at once.
        Await.until("some replies stored", WAIT, () -> historyIds(session).size() > 10);
        Sse sse = stream(runtimeB, ALICE, session, Map.of("Last-Event-ID", seen));
        agent.join();
        Await.until("every reply stored", WAIT, () -> historyIds(session).size() == 41);
        List<String> expected = historyIds(session).subList(1, 41);
        List<String> received = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            received.add(sse.next().id());
        }
        assertEquals(expected, received, "every event once, in the order of the history");
        assertNull(sse.poll(Duration.ofMillis(1000)), "and nothing more");
    }

    @Test
    void otherTenantOrNoCredentialOrUnknownLastEventId_thenEnvelopeBeforeAnyStream() throws Exception {
        String session = openSession();
        Sse stranger = stream(runtimeB, MALLORY, session, Map.of());
        JsonNode error = stranger.envelope(404, "not_found");
        assertEquals(session, error.get("details").get("session_id").getStringValue());

        HttpRequest anonymous = HttpRequest.newBuilder(URI.create(runtimeB.uri() + "/v1/session/" + session + "/events"))
            .header("Accept", "text/event-stream").build();
        Sse none = new Sse(http.send(anonymous, HttpResponse.BodyHandlers.ofLines()));
        streams.add(none);
        none.envelope(401, "unauthorized");

        String otherSession = openSession();
        String foreign = historyIds(otherSession).getFirst();
        Sse wrong = stream(runtimeB, ALICE, session, Map.of("Last-Event-ID", foreign));
        JsonNode invalid = wrong.envelope(400, "validation_failed");
        assertEquals("Last-Event-ID", invalid.get("details").get("violations").get(0).get("field").getStringValue());
    }

    /**
     * @param from {@code Last-Event-ID} or {@code after}: how the stream names where it resumes
     * @return the stream resumed after {@code eventId}
     */
    private Sse resumed(NettyRuntime runtime, String token, String session, String from, String eventId) throws Exception {
        return from.equals("after") ? stream(runtime, token, session, "?after=" + eventId, Map.of())
            : stream(runtime, token, session, Map.of(from, eventId));
    }

    @Test
    void anotherTenantsSession_thenNoStreamOrResumeOfIt_asForNone_andOwnStreamsCarryNothingOfIt() throws Exception {
        String acmes = openSession();
        String secret = "for acme only " + UUID.randomUUID();
        String acmeReply = "e_acme_" + UUID.randomUUID().toString().replace("-", "");
        reply(acmes, acmeReply, secret);
        Await.until("acme's reply is stored", WAIT, () -> historyIds(acmes).contains(acmeReply));
        String acmeEvent = historyIds(acmes).getFirst();
        for (String stranger : List.of(MALLORY, ALICE_OF_GLOBEX)) {
            // Its stream, live or resumed after one of its events: the 404 for a session that does not exist.
            JsonNode refused = stream(runtimeB, stranger, acmes, Map.of()).envelope(404, "not_found");
            ContractTestBase.assertSameError(refused, stream(runtimeB, stranger, ContractTestBase.NO_SESSION, Map.of())
                .envelope(404, "not_found"), Map.of(acmes, ContractTestBase.NO_SESSION));
            for (String from : List.of("Last-Event-ID", "after")) {
                ContractTestBase.assertSameError(resumed(runtimeB, stranger, acmes, from, acmeEvent).envelope(404, "not_found"),
                    resumed(runtimeB, stranger, ContractTestBase.NO_SESSION, from, ContractTestBase.NO_EVENT).envelope(404, "not_found"),
                    Map.of(acmes, ContractTestBase.NO_SESSION));
                // Its event to resume one's own stream from: the 400 for an event that does not exist, nothing replayed.
                String own = cluster.openSession(stranger);
                JsonNode invalid = ContractTestBase.assertSameError(
                    resumed(runtimeA, stranger, own, from, acmeEvent).envelope(400, "validation_failed"),
                    resumed(runtimeA, stranger, own, from, ContractTestBase.NO_EVENT).envelope(400, "validation_failed"),
                    Map.of(acmeEvent, ContractTestBase.NO_EVENT));
                assertEquals(from, invalid.get("details").get("violations").get(0).get("field").getStringValue());
            }
        }

        // Live, on the instance that did not take them: acme's reply and message reach acme's stream, not globex's.
        String own = cluster.openSession(ALICE_OF_GLOBEX);
        Sse strangers = stream(runtimeB, ALICE_OF_GLOBEX, own, Map.of());
        Sse owners = stream(runtimeB, ALICE, acmes, Map.of());
        String liveReply = "e_acme_" + UUID.randomUUID().toString().replace("-", "");
        reply(acmes, liveReply, secret);
        String liveMessage = accepted(post(gatewayA, ALICE, "{\"session_id\":\"" + acmes + "\",\"message\":\"" + secret + "\"}"))
            .get("event_id").getStringValue();
        assertEquals(java.util.Set.of(liveReply, liveMessage), java.util.Set.of(owners.next().id(), owners.next().id()));
        String mine = accepted(post(gatewayA, ALICE_OF_GLOBEX, "{\"session_id\":\"" + own + "\",\"message\":\"mine\"}"))
            .get("event_id").getStringValue();
        Sse.Event event = strangers.next();
        assertEquals(mine, event.id());
        ContractTestBase.assertTellsNothingOf(event.data(), List.of(acmes, secret));
        assertNull(strangers.poll(Duration.ofMillis(1000)), "nothing of acme's on globex's stream");
    }

    @Test
    void userMessageOnInstanceA_thenOnStreamOnInstanceA() throws Exception {
        String session = openSession();
        Sse sse = stream(runtimeA, ALICE, session, Map.of());
        assertEquals(200, sse.status());
        String eventId = accepted(post(gatewayA, ALICE, "{\"session_id\":\"" + session + "\",\"message\":\"are you there?\","
            + "\"metadata\":{\"channel\":\"web\"}}")).get("event_id").getStringValue();
        Sse.Event event = sse.next();
        assertEquals(eventId, event.id());
        JsonNode data = json.readValue(event.data(), JsonNode.class);
        assertEquals("user", data.get("role").getStringValue());
        assertEquals("message", data.get("kind").getStringValue());
        assertEquals("are you there?", data.get("message").getStringValue());
        assertEquals("web", data.get("metadata").get("channel").getStringValue());
    }

    @Test
    void userMessageOnInstanceA_thenOnStreamOnInstanceBOnce() throws Exception {
        String session = openSession();
        Sse onB = stream(runtimeB, ALICE, session, Map.of());
        Sse onA = stream(runtimeA, ALICE, session, Map.of());
        String eventId = accepted(post(gatewayA, ALICE, "{\"session_id\":\"" + session + "\",\"message\":\"from my phone\"}"))
            .get("event_id").getStringValue();
        Sse.Event event = onB.next();
        assertEquals(eventId, event.id());
        assertEquals("from my phone", json.readValue(event.data(), JsonNode.class).get("message").getStringValue());
        // Instance A had it from its own intake, and again from the topic: once on its stream.
        assertEquals(eventId, onA.next().id());
        assertNull(onA.poll(Duration.ofMillis(1500)), "not repeated on the instance that took it");
        assertNull(onB.poll(Duration.ofMillis(100)), "nor on the other");
    }

    @Test
    void instanceStops_thenItsStreamsEndWithARetryHint_andTheClientReplaysElsewhere() throws Exception {
        try (SessionCluster.Stopping stopping = cluster.stopping(Duration.ofSeconds(20))) {
            GatewayTransport gateway = stopping.gateway();
            String session = openSession();
            Sse sse = stream(stopping.runtime(), ALICE, session, Map.of());
            assertEquals(200, sse.status());
            String first = accepted(post(gateway, ALICE, "{\"session_id\":\"" + session + "\",\"message\":\"before the stop\"}"))
                .get("event_id").getStringValue();
            assertEquals(first, sse.next().id());

            long started = System.nanoTime();
            Thread drain = stopping.drain();
            assertTrue(sse.ended(Duration.ofSeconds(10)), "the stream ended before the grace period");
            List<String> retry = sse.lines.stream().filter(line -> line.startsWith("retry: ")).toList();
            assertEquals(1, retry.size(), "one reconnection hint: " + sse.lines);
            int delay = Integer.parseInt(retry.getFirst().substring("retry: ".length()));
            assertTrue(delay >= 1000 && delay <= 3000, "a delay of 1 to 3 s: " + delay);
            drain.join(Duration.ofSeconds(20));
            assertTrue(!drain.isAlive(), "the drain ended with the last stream");
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(15)) < 0,
                "the drain did not wait for the grace period");

            // What the client does next: another instance, from its last event id.
            accepted(post(gatewayA, ALICE, "{\"session_id\":\"" + session + "\",\"message\":\"while it moved\"}"));
            Sse resumed = stream(runtimeB, ALICE, session, Map.of("Last-Event-ID", first));
            assertEquals("while it moved", json.readValue(resumed.next().data(), JsonNode.class).get("message").getStringValue());
        }
    }

    @Test
    void repliesProducedWhileNoInstanceConsumes_thenStoredWhenOneStarts_noStreamNeeded() throws Exception {
        String session = openSession();
        String quiet = "conversation.outbound.quiet-" + UUID.randomUUID().toString().substring(0, 8);
        SessionCluster.createTopics(quiet);
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String eventId = "e_quiet_" + i + "_" + UUID.randomUUID().toString().replace("-", "");
            cluster.reply(quiet, session, eventId, "answered while no gateway listened " + i);
            replies.add(eventId);
        }
        // An instance that starts later, with no stream open: its live fan-out starts at the end of
        // the topic; the store group, new, starts at its beginning.
        try (SessionCluster.Stopping later = cluster.stopping(Duration.ofSeconds(5), Map.of("gateway.conversations.outbound-topic", quiet,
            "gateway.conversations.fan-out.store-group", "gatehouse-replies-quiet-" + UUID.randomUUID()))) {
            Await.until("the replies are in the history", WAIT, () -> historyIds(session).containsAll(replies));
            assertEquals(3, gauge(later.gateway(), "gatehouse_reply_store_total{outcome=\"stored\""));
            assertEquals(0, gauge(later.gateway(), "gatehouse_stream_replies_total{outcome=\"stored\""), "none was seen live");
        }
        assertEquals(replies, historyIds(session).subList(1, 4), "each once, in the order produced");
    }

    @Test
    void unreadableRecords_thenCountedAndSkipped_consumerGoesOn() throws Exception {
        String session = openSession();
        Sse sse = stream(runtimeB, ALICE, session, Map.of());
        double before = gauge(gatewayB, "gatehouse_stream_replies_total{outcome=\"unreadable\"");
        double storeBefore = gauge(gatewayA, STORE_UNREADABLE) + gauge(gatewayB, STORE_UNREADABLE);
        double unknownBefore = gauge(gatewayB, "gatehouse_stream_replies_total{outcome=\"unknown_session\"");
        for (String value : new String[] {"not json", "[1,2]", "{\"session_id\":\"" + session + "\",\"message\":\"no id\"}",
            "{\"event_id\":\"e_x1\",\"session_id\":\"" + session + "\",\"message\":42}",
            "{\"event_id\":\"e_x2\",\"session_id\":\"s_another\",\"message\":\"key is not the session\"}"}) {
            producer.send(new ProducerRecord<>(topic, session, value)).get(10, TimeUnit.SECONDS);
        }
        // An event id another session's event holds: that event must never reach this session's streams.
        String othersEvent = historyIds(openSession()).getFirst();
        producer.send(new ProducerRecord<>(topic, session, "{\"event_id\":\"" + othersEvent + "\",\"session_id\":\"" + session
            + "\",\"message\":\"steal\"}")).get(10, TimeUnit.SECONDS);
        // Values the sessions table cannot hold: refused when read, never left to fail in the database.
        for (String value : new String[] {"{\"event_id\":\"e_x4\",\"session_id\":\"" + session + "\",\"role\":\"" + "r".repeat(33)
            + "\",\"message\":\"role too long\"}",
            "{\"event_id\":\"e_x5\",\"session_id\":\"" + session + "\",\"persona_id\":\"has space\",\"message\":\"bad persona\"}",
            "{\"event_id\":\"e_x6\",\"session_id\":\"" + session + "\",\"message\":\"nul \\u0000 inside\"}"}) {
            producer.send(new ProducerRecord<>(topic, session, value)).get(10, TimeUnit.SECONDS);
        }
        producer.send(new ProducerRecord<>(topic, "s_doesnotexist", "{\"event_id\":\"e_x3\",\"session_id\":\"s_doesnotexist\","
            + "\"message\":\"nobody\"}")).get(10, TimeUnit.SECONDS);
        String eventId = "e_after_" + UUID.randomUUID().toString().replace("-", "");
        reply(session, eventId, "still here");

        assertEquals(eventId, sse.next().id(), "the consumer went on past the unreadable records");
        Await.until("the unreadable records counted", WAIT,
            () -> gauge(gatewayB, "gatehouse_stream_replies_total{outcome=\"unreadable\"") >= before + 9);
        assertEquals(before + 9, gauge(gatewayB, "gatehouse_stream_replies_total{outcome=\"unreadable\""));
        // The store group read each record once, on whichever instance holds its partition.
        Await.until("the store group counted them too", WAIT,
            () -> gauge(gatewayA, STORE_UNREADABLE) + gauge(gatewayB, STORE_UNREADABLE) >= storeBefore + 9);
        assertEquals(storeBefore + 9, gauge(gatewayA, STORE_UNREADABLE) + gauge(gatewayB, STORE_UNREADABLE));
        Await.until("the reply to a missing session counted", WAIT,
            () -> gauge(gatewayB, "gatehouse_stream_replies_total{outcome=\"unknown_session\"") >= unknownBefore + 1);
        assertEquals(List.of(historyIds(session).getFirst(), eventId), historyIds(session), "nothing else stored");
    }

    @Test
    void databaseRefusesReplies_thenTriedAgainUntilItTakesThem_streamGetsThemThen() throws Exception {
        String session = openSession();
        Sse sse = stream(runtimeB, ALICE, session, Map.of());
        double liveFailed = gauge(gatewayB, LIVE_FAILED);
        double storeFailed = gauge(gatewayA, STORE_FAILED) + gauge(gatewayB, STORE_FAILED);
        List<String> replies = new ArrayList<>();
        // The table is away: every insert fails, as in an outage, and the fan-out cannot store them.
        cluster.schema.run("ALTER TABLE session_events RENAME TO session_events_away");
        try {
            for (int i = 0; i < 3; i++) {
                String eventId = "e_outage_" + i + "_" + UUID.randomUUID().toString().replace("-", "");
                reply(session, eventId, "answered during the outage " + i);
                replies.add(eventId);
            }
            Await.until("both consumers tried and failed more than once", WAIT,
                () -> gauge(gatewayB, LIVE_FAILED) >= liveFailed + 2
                    && gauge(gatewayA, STORE_FAILED) + gauge(gatewayB, STORE_FAILED) >= storeFailed + 2);
            Await.until("the live fan-out is behind by the replies it could not store", WAIT, () -> gauge(gatewayB, LIVE_LAG) == 3);
        } finally {
            cluster.schema.run("ALTER TABLE session_events_away RENAME TO session_events");
        }
        List<String> live = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            live.add(sse.next().id());
        }
        assertEquals(replies, live, "the stream gets the outage's replies once the database answers, in order");
        assertEquals(0, gauge(gatewayB, LIVE_LAG), "caught up");
        assertEquals(replies, historyIds(session).subList(1, 4), "each stored once");
    }

    @Test
    void replyTheDatabaseRefuses_thenSkippedAlone_theOthersOfItsPollStored() throws Exception {
        String session = openSession();
        Sse sse = stream(runtimeB, ALICE, session, Map.of());
        String refused = "refused by the database";
        double liveUnstorable = gauge(gatewayB, "gatehouse_stream_replies_total{outcome=\"unstorable\"");
        String unstorable = "gatehouse_reply_store_total{outcome=\"unstorable\"";
        double storeUnstorable = gauge(gatewayA, unstorable) + gauge(gatewayB, unstorable);
        // A rule of the database that the gateway cannot know of: it refuses one value whenever it is written.
        cluster.schema.run("ALTER TABLE session_events ADD CONSTRAINT refuses_one CHECK (message IS DISTINCT FROM '" + refused + "') NOT VALID");
        try {
            String first = "e_before_" + UUID.randomUUID().toString().replace("-", "");
            String poison = "e_refused_" + UUID.randomUUID().toString().replace("-", "");
            String last = "e_after_" + UUID.randomUUID().toString().replace("-", "");
            // Sent together, one key: one batch of the producer, read in one poll as a rule.
            for (String[] reply : new String[][] {{first, "before"}, {poison, refused}, {last, "after"}}) {
                producer.send(new ProducerRecord<>(topic, session, "{\"event_id\":\"" + reply[0] + "\",\"session_id\":\"" + session
                    + "\",\"message\":\"" + reply[1] + "\"}"));
            }
            producer.flush();
            assertEquals(first, sse.next().id());
            assertEquals(last, sse.next().id(), "the refused reply holds nothing up");
            Await.until("the store group skipped it too", WAIT,
                () -> gauge(gatewayA, unstorable) + gauge(gatewayB, unstorable) >= storeUnstorable + 1);
            assertEquals(liveUnstorable + 1, gauge(gatewayB, "gatehouse_stream_replies_total{outcome=\"unstorable\""));
            assertEquals(List.of(first, last), historyIds(session).subList(1, 3));
            assertEquals(3, historyIds(session).size());
        } finally {
            cluster.schema.run("ALTER TABLE session_events DROP CONSTRAINT refuses_one");
        }
    }

    /**
     * A Server-Sent Events client over {@link HttpResponse.BodyHandlers#ofLines()}: a thread
     * reads the lines into a queue, events are parsed from it as the test asks.
     */
    private final class Sse implements AutoCloseable {

        record Event(String id, String data) {
        }

        private final HttpResponse<Stream<String>> response;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread reader;

        Sse(HttpResponse<Stream<String>> response) {
            this.response = response;
            this.reader = Thread.ofVirtual().start(() -> {
                try {
                    response.body().forEach(line -> {
                        if (line.startsWith(":")) {
                            comments.add(line);
                        } else {
                            lines.add(line);
                        }
                    });
                } catch (RuntimeException e) {
                    // Closed by the test.
                }
            });
        }

        int status() {
            return response.statusCode();
        }

        JsonNode envelope(int status, String code) throws IOException, InterruptedException {
            assertEquals(status, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            reader.join(5000);
            String body = String.join("\n", lines);
            JsonNode error = json.readValue(body, JsonNode.class).get("error");
            assertNotNull(error, body);
            assertEquals(code, error.get("code").getStringValue(), body);
            return error;
        }

        Event next() throws InterruptedException {
            Event event = poll(WAIT);
            assertNotNull(event, "no event within " + WAIT);
            return event;
        }

        Event poll(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            String id = null;
            List<String> data = new ArrayList<>();
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    return null;
                }
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        return new Event(id, data.stream().collect(Collectors.joining("\n")));
                    }
                    continue;
                }
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                }
            }
        }

        /** @return whether the gateway ended the response within the timeout */
        boolean ended(Duration timeout) throws InterruptedException {
            return reader.join(timeout);
        }

        boolean awaitHeartbeat(Duration timeout) {
            int before = comments.size();
            return Await.millisUntil(() -> comments.size() > before, timeout.toMillis()) >= 0;
        }

        @Override
        public void close() {
            response.body().close();
            reader.interrupt();
        }
    }
}
