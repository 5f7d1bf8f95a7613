package io.gatehouse.container;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import io.gatehouse.container.server.Drain;
import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.testing.Await;
import io.gatehouse.testing.TestSchema;
import io.gatehouse.testing.TestServices;
import io.gatehouse.testing.TestTokens;
import io.micronaut.json.tree.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two container instances on one private PostgreSQL schema, with the real Kafka (an outbound and
 * an inbound topic of this run's own) and Redis, as the session streams and the session WebSocket
 * are tested: started with the fan-out consumers assigned, and helpers to open a session, produce
 * an agent's reply and read the history.
 */
final class SessionCluster implements AutoCloseable {

    private static final String SECRET = "session-cluster-jwt-secret-0123456789abcdef";

    final TestSchema schema;
    final String topic;
    /** The inbound topic, which the instances' fan-out reads the callers' events back from. */
    final String inbound;
    final KafkaProducer<String, String> producer;
    /** The properties both instances started with. */
    final Map<String, Object> properties;
    final NettyRuntime runtimeA = new NettyRuntime();
    final NettyRuntime runtimeB = new NettyRuntime();
    GatewayTransport gatewayA;
    GatewayTransport gatewayB;

    /**
     * @param name  the schema's name
     * @param extra properties of both instances beyond the cluster's own
     */
    SessionCluster(String name, Map<String, Object> extra) throws Exception {
        this(name, extra, Map.of(), Map.of());
    }

    /**
     * @param name  the schema's name
     * @param extra properties of both instances beyond the cluster's own
     * @param onlyA properties of instance A alone
     * @param onlyB properties of instance B alone
     */
    SessionCluster(String name, Map<String, Object> extra, Map<String, Object> onlyA, Map<String, Object> onlyB) throws Exception {
        schema = TestSchema.create(name);
        String run = UUID.randomUUID().toString().substring(0, 8);
        topic = "conversation.outbound.test-" + run;
        inbound = "conversation.inbound.test-" + run;
        String bootstrap = TestServices.kafkaBootstrap();
        createTopics(topic, inbound);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
        Map<String, Object> p = new HashMap<>(schema.properties());
        p.put("gateway.jwt.secret", SECRET);
        p.put("kafka.bootstrap.servers", bootstrap);
        p.put("gateway.conversations.outbound-topic", topic);
        p.put("gateway.conversations.inbound-topic", inbound);
        p.put("gateway.conversations.redis-prefix", "test:" + schema.name() + ":session:");
        p.put("gateway.conversations.heartbeat", "1s");
        p.put("gateway.conversations.fan-out.store-group", "gatehouse-replies-test-" + run);
        p.putAll(extra);
        properties = Map.copyOf(p);
        Map<String, Object> a = new HashMap<>(p);
        a.putAll(onlyA);
        Map<String, Object> b = new HashMap<>(p);
        b.putAll(onlyB);
        gatewayA = runtimeA.start(a);
        gatewayB = runtimeB.start(b);
        for (GatewayTransport gateway : List.of(gatewayA, gatewayB)) {
            Await.until("the fan-out consumers are assigned their partitions", Duration.ofSeconds(60),
                () -> gauge(gateway, "gatehouse_stream_fan_out_partitions{topic=\"outbound\"") == 2
                    && gauge(gateway, "gatehouse_stream_fan_out_partitions{topic=\"inbound\"") == 2);
        }
    }

    /**
     * A third instance of the cluster, to stop: it stops accepting at once when drained
     * ({@code accept-period 0s}) and waits at most {@code grace} for its connections.
     *
     * @param runtime the instance
     * @param gateway its HTTP transport
     */
    record Stopping(NettyRuntime runtime, GatewayTransport gateway) implements AutoCloseable {

        /** @return the thread draining the instance, as SIGTERM does */
        Thread drain() {
            return Thread.ofVirtual().start(() -> runtime.context().getBean(Drain.class).run());
        }

        @Override
        public void close() {
            gateway.close();
        }
    }

    /**
     * @param topics Kafka topics to create, two partitions each
     */
    static void createTopics(String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap()))) {
            admin.createTopics(java.util.Arrays.stream(topics).map(name -> new NewTopic(name, 2, (short) 1)).toList())
                .all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * @param grace the drain's grace period
     * @return a third instance, started
     */
    Stopping stopping(Duration grace) throws Exception {
        return stopping(grace, Map.of());
    }

    /**
     * @param grace the drain's grace period
     * @param extra its properties beyond the cluster's
     * @return a third instance, started
     */
    Stopping stopping(Duration grace, Map<String, Object> extra) throws Exception {
        NettyRuntime runtime = new NettyRuntime();
        Map<String, Object> p = new HashMap<>(properties);
        p.putAll(extra);
        p.put("gateway.shutdown.accept-period", "0s");
        p.put("gateway.shutdown.grace-period", grace.toSeconds() + "s");
        return new Stopping(runtime, runtime.start(p));
    }

    /**
     * @param subject the caller
     * @param tenant  its tenant
     * @return a JWT both instances accept
     */
    static String jwt(String subject, String tenant) {
        return TestTokens.hmac(TestTokens.claims(subject).claim("tenant", tenant).build(), new JWSHeader(JWSAlgorithm.HS256),
            SECRET.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param gateway an instance
     * @param name    a meter's name, or its name and the start of its labels ({@code name{label="v"})
     * @return the sum of the meter's samples
     */
    static double gauge(GatewayTransport gateway, String name) {
        ContractResponse metrics = gateway.send(ContractRequest.get("/metrics"));
        return metrics.text().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + (name.contains("{") ? "" : "{")))
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static ContractResponse post(GatewayTransport gateway, String token, String body) {
        return gateway.send(ContractRequest.of("POST", "/v1/session/message").header("Authorization", "Bearer " + token)
            .body("application/json", body));
    }

    static JsonNode accepted(ContractResponse response) {
        assertEquals(202, response.status(), response.text());
        return response.json();
    }

    /**
     * @param token the caller's
     * @return a new session of the caller's, with one message
     */
    String openSession(String token) {
        return accepted(post(gatewayA, token, "{\"message\":\"hello\"}")).get("session_id").getStringValue();
    }

    /**
     * Produces an agent's reply to the outbound topic, as an agent would.
     */
    void reply(String session, String eventId, String message) throws Exception {
        reply(topic, session, eventId, message);
    }

    /**
     * Produces an agent's reply to an outbound topic, as {@link #reply(String, String, String)}.
     */
    void reply(String outbound, String session, String eventId, String message) throws Exception {
        producer.send(new ProducerRecord<>(outbound, session, "{\"event_id\":\"" + eventId + "\",\"session_id\":\"" + session
            + "\",\"persona_id\":\"analyst\",\"message\":\"" + message + "\",\"metadata\":{\"model\":\"m1\"}}")).get(10, TimeUnit.SECONDS);
    }

    /**
     * @return the session's history as its owner reads it, up to 500 events
     */
    List<JsonNode> history(String session, String token) {
        ContractResponse page = gatewayA.send(ContractRequest.get("/v1/session/" + session + "/events?limit=500")
            .header("Authorization", "Bearer " + token));
        assertEquals(200, page.status(), page.text());
        List<JsonNode> events = new ArrayList<>();
        page.json().get("events").values().forEach(events::add);
        return events;
    }

    List<String> historyIds(String session, String token) {
        return history(session, token).stream().map(e -> e.get("event_id").getStringValue()).toList();
    }

    @Override
    public void close() {
        for (GatewayTransport gateway : new GatewayTransport[] {gatewayA, gatewayB}) {
            if (gateway != null) {
                gateway.close();
            }
        }
        producer.close();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap()))) {
            admin.deleteTopics(List.of(topic, inbound)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The topic has a name of this run's own; a leftover harms no other test.
        }
        schema.close();
    }
}
