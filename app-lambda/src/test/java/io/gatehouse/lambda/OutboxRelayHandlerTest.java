package io.gatehouse.lambda;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.testing.TestSchema;
import io.gatehouse.testing.TestServices;
import io.gatehouse.testing.TestTokens;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduled relay function: what a Lambda intake committed but did not publish (here, by
 * configuration, as when Kafka refused the publish right after the commit) is published to a real
 * Kafka broker by {@link OutboxRelayHandler}, fed an EventBridge scheduled event; with the broker
 * unreachable the invocation fails and the rows stay for the next run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxRelayHandlerTest {

    private static final String SECRET = "relay-lambda-secret-0123456789abcdef012345";

    private final TestSchema schema = TestSchema.create("outboxrelayhandler");
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
        properties.put("gateway.conversations.publish-after-commit", "false");
        properties.put("gateway.conversations.redis-prefix", "test:" + schema.name() + ":session:");
        return properties;
    }

    private static Map<String, Object> scheduledEvent() {
        return Map.of("version", "0", "id", "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type", "Scheduled Event",
            "source", "aws.events", "account", "123456789012", "time", "2026-12-07T18:00:00Z", "region", "eu-west-1",
            "resources", List.of("arn:aws:events:eu-west-1:123456789012:rule/gatehouse-outbox-relay"), "detail", Map.of());
    }

    @Test
    void committedButUnpublished_thenScheduledRunPublishesToKafka_brokerUnreachableFailsAndKeepsRows() throws Exception {
        String token = TestTokens.hmac(TestTokens.claims("alice").claim("tenant", "acme").build(), new JWSHeader(JWSAlgorithm.HS256),
            SECRET.getBytes(StandardCharsets.UTF_8));
        Set<String> accepted = new HashSet<>();
        GatewayTransport api = LambdaRuntimes.httpApi(ApiGatewayEvents.HttpApiShape.namedStage()).start(properties(TestServices.kafkaBootstrap()));
        try {
            for (int i = 0; i < 3; i++) {
                ContractResponse response = api.send(ContractRequest.of("POST", "/v1/session/message")
                    .header("Authorization", "Bearer " + token).body("application/json", "{\"message\":\"m" + i + "\"}"));
                assertEquals(202, response.status(), response.text());
                accepted.add(response.json().get("event_id").getStringValue());
            }
        } finally {
            api.close();
        }
        assertEquals(3, unsent());

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (ApplicationContext context = LambdaRuntimes.lambdaContext(properties("127.0.0.1:" + closed))) {
            OutboxRelayHandler unreachable = new OutboxRelayHandler(context);
            assertThrows(IllegalStateException.class, () -> unreachable.execute(scheduledEvent()));
        }
        assertEquals(3, unsent(), "a failed run keeps every row");

        try (ApplicationContext context = LambdaRuntimes.lambdaContext(properties(TestServices.kafkaBootstrap()))) {
            OutboxRelayHandler.Result result = new OutboxRelayHandler(context).execute(scheduledEvent());
            assertEquals(3, result.published());
            assertEquals(0, result.remaining());
        }
        assertEquals(0, unsent());
        assertEquals(accepted, published(accepted));
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

    private Set<String> published(Set<String> wanted) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Set<String> seen = new HashSet<>();
        long deadline = System.currentTimeMillis() + 20_000;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!seen.containsAll(wanted) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    var header = record.headers().lastHeader("event_id");
                    if (header != null) {
                        seen.add(new String(header.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return seen;
    }
}
