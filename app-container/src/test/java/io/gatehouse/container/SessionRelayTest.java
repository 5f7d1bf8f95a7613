package io.gatehouse.container;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.testing.Await;
import io.gatehouse.testing.TestSchema;
import io.gatehouse.testing.TestServices;
import io.gatehouse.testing.TestTokens;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session relay against a real Kafka broker: an accepted message is published to its topic with
 * the session id as key and the trace, tenant, request and event ids as headers; a broker that is
 * down while messages are accepted loses none of them (a broker this test starts for itself, never
 * the shared one); and a gateway killed with SIGKILL between the commit and the publish loses none
 * either (another instance publishes what it committed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionRelayTest {

    private static final String SECRET = "relay-jwt-secret-0123456789abcdef0123456789";
    private static final String TOKEN = TestTokens.hmac(TestTokens.claims("alice").claim("tenant", "acme").build(),
        new JWSHeader(JWSAlgorithm.HS256), SECRET.getBytes(StandardCharsets.UTF_8));

    private final TestSchema schema = TestSchema.create("sessionrelay");
    private final String topic = "conversation.inbound." + schema.name() + "." + System.nanoTime();

    @AfterAll
    void dropSchema() {
        schema.close();
    }

    private Map<String, Object> properties(String bootstrap) {
        Map<String, Object> properties = new HashMap<>(schema.properties());
        properties.put("gateway.jwt.secret", SECRET);
        properties.put("kafka.bootstrap.servers", bootstrap);
        properties.put("gateway.conversations.inbound-topic", topic);
        properties.put("gateway.conversations.redis-prefix", "test:" + schema.name() + ":session:");
        return properties;
    }

    private static ContractRequest message(String text) {
        return ContractRequest.of("POST", "/v1/session/message").header("Authorization", "Bearer " + TOKEN)
            .body("application/json", "{\"persona_id\":\"analyst\",\"message\":\"" + text + "\"}");
    }

    private static JsonNode accepted(ContractResponse response) {
        assertEquals(202, response.status(), response.text());
        return response.json();
    }

    @Test
    void acceptedMessage_thenOnKafkaWithSessionKeyAndTraceTenantRequestAndEventHeaders() {
        GatewayTransport gateway = new NettyRuntime().start(properties(TestServices.kafkaBootstrap()));
        try {
            String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
            ContractResponse response = gateway.send(message("hello kafka")
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").header("X-Request-ID", "relay-req-1"));
            JsonNode ids = accepted(response);
            String eventId = ids.get("event_id").getStringValue();
            ConsumerRecord<String, String> record = consume(TestServices.kafkaBootstrap(), Set.of(eventId), 20_000).get(eventId).getFirst();
            assertEquals(ids.get("session_id").getStringValue(), record.key());
            assertEquals("acme", header(record, "tenant"));
            assertEquals("relay-req-1", header(record, "request_id"));
            assertEquals(eventId, header(record, "event_id"));
            String traceparent = header(record, "traceparent");
            assertNotNull(traceparent, "the record carries the W3C trace context");
            assertTrue(traceparent.startsWith("00-" + traceId + "-"), traceparent);
            JsonNode value = json(record.value());
            assertEquals("hello kafka", value.get("message").getStringValue());
            assertEquals("acme", value.get("tenant").getStringValue());
            assertEquals("analyst", value.get("persona_id").getStringValue());
            assertTrue(Await.millisUntil(() -> unsent() == 0, 10_000) >= 0, "the row is marked sent");
        } finally {
            gateway.close();
        }
    }

    @Test
    void brokerDownDuringIntake_thenEveryAcceptedMessagePublishedAfterItReturns() throws Exception {
        try (PrivateBroker broker = PrivateBroker.start()) {
            GatewayTransport gateway = new NettyRuntime().start(properties(broker.bootstrap()));
            try {
                String warm = accepted(gateway.send(message("before the outage"))).get("event_id").getStringValue();
                consume(broker.bootstrap(), Set.of(warm), 30_000);
                broker.stop();
                Set<String> accepted = new HashSet<>();
                for (int i = 0; i < 20; i++) {
                    accepted.add(accepted(gateway.send(message("during the outage " + i))).get("event_id").getStringValue());
                }
                assertEquals(20, accepted.size());
                Thread.sleep(1000);
                assertEquals(20, unsent(), "nothing is marked sent while the broker is down");
                broker.restart();
                Map<String, List<ConsumerRecord<String, String>>> seen = consume(broker.bootstrap(), accepted, 60_000);
                assertEquals(accepted, seen.keySet(), "every message accepted during the outage is published after it");
                assertTrue(Await.millisUntil(() -> unsent() == 0, 15_000) >= 0, "and marked sent");
            } finally {
                gateway.close();
            }
        }
    }

    @Test
    void gatewayKilledBetweenCommitAndPublish_thenAnotherInstancePublishesEverything() throws Exception {
        // The first gateway is a process of its own with its relay off, so that every message it
        // accepts is committed and not yet published when it is killed: the window a crash can hit.
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, Object> properties = properties(TestServices.kafkaBootstrap());
        properties.put("gateway.conversations.relay-in-background", "false");
        properties.put("gateway.conversations.publish-after-commit", "false");
        properties.put("micronaut.server.port", port);
        properties.put("micronaut.server.host", "127.0.0.1");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), "-Xmx256m"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add(GatehouseContainer.class.getName());
        Path log = Files.createTempFile("gatehouse-killed", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Set<String> accepted = new HashSet<>();
        try (HttpClient client = HttpClient.newHttpClient()) {
            URI uri = URI.create("http://127.0.0.1:" + port + "/v1/session/message");
            assertTrue(Await.millisUntil(() -> up(client, port), 60_000) >= 0, "the process gateway starts: " + tail(log));
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"committed " + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(202, response.statusCode(), response.body());
                accepted.add(json(response.body()).get("event_id").getStringValue());
            }
        } finally {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, process.exitValue(), "killed by SIGKILL");
        assertTrue(unsent() >= 10, "what the killed gateway accepted is committed and unpublished");
        GatewayTransport survivor = new NettyRuntime().start(properties(TestServices.kafkaBootstrap()));
        try {
            Map<String, List<ConsumerRecord<String, String>>> seen = consume(TestServices.kafkaBootstrap(), accepted, 30_000);
            assertEquals(accepted, seen.keySet(), "another instance published every message the killed one accepted");
        } finally {
            survivor.close();
        }
    }

    private static boolean up(HttpClient client, int port) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() > 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 3000));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private long unsent() {
        try (Connection c = DriverManager.getConnection(schema.url(), "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM session_outbox WHERE sent_at IS NULL")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the topic from the start until every wanted event id was seen; records by event id. */
    private Map<String, List<ConsumerRecord<String, String>>> consume(String bootstrap, Set<String> wanted, long timeoutMs) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, List<ConsumerRecord<String, String>>> seen = new HashMap<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.currentTimeMillis() < deadline) {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(2)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!seen.keySet().containsAll(wanted) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    String id = header(record, "event_id");
                    if (id != null) {
                        seen.computeIfAbsent(id, k -> new ArrayList<>()).add(record);
                    }
                }
            }
        }
        assertTrue(seen.keySet().containsAll(wanted), "missing from " + topic + ": " + wanted.stream().filter(w -> !seen.containsKey(w)).toList());
        seen.keySet().retainAll(wanted);
        return seen;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(String text) {
        try {
            return JsonMapper.createDefault().readValue(text, JsonNode.class);
        } catch (IOException e) {
            throw new AssertionError(text, e);
        }
    }

    /**
     * A Kafka broker of this test's own (bin/services/kafka.sh with its own state directory and
     * ports, sharing the fetched jars), so that stopping it touches no other test.
     */
    private static final class PrivateBroker implements AutoCloseable {
        private final Path home;
        private final int port;
        private final int controllerPort;
        private final Path script;

        private PrivateBroker(Path home, int port, int controllerPort, Path script) {
            this.home = home;
            this.port = port;
            this.controllerPort = controllerPort;
            this.script = script;
        }

        static PrivateBroker start() throws IOException, InterruptedException {
            TestServices.kafkaBootstrap();
            Path root = Path.of("").toAbsolutePath();
            while (!Files.isExecutable(root.resolve("bin/services/kafka.sh"))) {
                root = root.getParent();
            }
            Path home = Files.createTempDirectory("gatehouse-private-kafka");
            Path sharedLib = root.resolve(".gatehouse/kafka/lib");
            if (Files.isDirectory(sharedLib)) {
                Files.createDirectories(home.resolve("kafka"));
                Files.createSymbolicLink(home.resolve("kafka/lib"), sharedLib);
            }
            int port;
            int controller;
            try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
                port = a.getLocalPort();
                controller = b.getLocalPort();
            }
            PrivateBroker broker = new PrivateBroker(home, port, controller, root.resolve("bin/services/kafka.sh"));
            broker.run("up");
            return broker;
        }

        String bootstrap() {
            return "127.0.0.1:" + port;
        }

        void stop() throws IOException, InterruptedException {
            run("down");
        }

        void restart() throws IOException, InterruptedException {
            run("up");
        }

        private void run(String verb) throws IOException, InterruptedException {
            ProcessBuilder builder = new ProcessBuilder(script.toString(), verb).inheritIO();
            builder.environment().put("GATEHOUSE_HOME", home.toString());
            builder.environment().put("GATEHOUSE_KAFKA_PORT", Integer.toString(port));
            builder.environment().put("GATEHOUSE_KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort));
            builder.environment().put("GATEHOUSE_KAFKA_HEAP", "256m");
            Process process = builder.start();
            if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("bin/services/kafka.sh " + verb + " failed for the private broker");
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            run("down");
        }
    }
}
