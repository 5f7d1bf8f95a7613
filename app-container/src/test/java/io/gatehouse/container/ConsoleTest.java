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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session console in headless Chromium against a container on real PostgreSQL, Redis and Kafka:
 * a message typed into the page opens a session and shows on its stream; a reply produced to
 * {@code conversation.outbound} appears live; after a disconnect, a reply produced meanwhile is
 * replayed when the page resumes with Last-Event-ID, marked as replayed, and shown once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTest {

    private static final String SECRET = "console-jwt-secret-0123456789abcdef0123456789";

    private TestSchema schema;
    private String topic;
    private KafkaProducer<String, String> producer;
    private GatewayTransport gateway;
    private URI uri;

    @BeforeAll
    void start() throws Exception {
        schema = TestSchema.create("console");
        topic = "conversation.outbound.console-" + UUID.randomUUID().toString().substring(0, 8);
        String bootstrap = TestServices.kafkaBootstrap();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
        Map<String, Object> p = new HashMap<>(schema.properties());
        p.put("gateway.jwt.secret", SECRET);
        p.put("kafka.bootstrap.servers", bootstrap);
        p.put("gateway.conversations.outbound-topic", topic);
        p.put("gateway.conversations.inbound-topic", topic.replace("outbound", "inbound"));
        p.put("gateway.conversations.redis-prefix", "test:" + schema.name() + ":session:");
        NettyRuntime runtime = new NettyRuntime();
        gateway = runtime.start(p);
        uri = runtime.uri();
        Await.until("the fan-out consumer is assigned its partition", Duration.ofSeconds(60),
            () -> SessionStreamsTest.gauge(gateway, "gatehouse_stream_fan_out_partitions") >= 1);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (schema != null) {
            schema.close();
        }
    }

    private void reply(String session, String eventId, String message) throws Exception {
        producer.send(new ProducerRecord<>(topic, session, "{\"event_id\":\"" + eventId + "\",\"session_id\":\"" + session
            + "\",\"persona_id\":\"analyst\",\"message\":\"" + message + "\"}")).get(10, TimeUnit.SECONDS);
    }

    @Test
    void console_thenSendsAMessageSeesTheReplyLiveAndReplaysAfterAReconnect() throws Exception {
        ContractResponse page = gateway.send(ContractRequest.get("/v1/console"));
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Security-Policy").orElse("").contains("connect-src 'self'"));
        String token = TestTokens.hmac(TestTokens.claims("alice").claim("tenant", "acme").build(), new JWSHeader(JWSAlgorithm.HS256),
            SECRET.getBytes(StandardCharsets.UTF_8));
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(uri.resolve("/v1/console").toString());
            browser.type("#token", token);
            browser.type("#persona", "analyst");
            browser.type("#message", "What happened yesterday?");
            browser.click("#send");
            Await.until("the page opened a session and shows the message on its stream", Duration.ofSeconds(20),
                () -> Boolean.TRUE.equals(browser.script("return consoleState.connected && !!document.querySelector('#events li.user');")));
            String session = (String) browser.script("return document.getElementById('session').value;");
            assertTrue(session.startsWith("s_"), session);

            reply(session, "e_console_reply_1", "Two incidents, both resolved.");
            Await.until("the agent's reply, produced to conversation.outbound, on the page", Duration.ofSeconds(20),
                () -> Boolean.TRUE.equals(browser.script(
                    "return !!document.querySelector('#events li[data-event-id=\"e_console_reply_1\"]');")));
            assertEquals("assistant", browser.script(
                "return document.querySelector('#events li[data-event-id=\"e_console_reply_1\"]').dataset.role;"));

            browser.click("#disconnect");
            Await.until("the page disconnected", Duration.ofSeconds(10),
                () -> Boolean.FALSE.equals(browser.script("return consoleState.connected;")));
            reply(session, "e_console_reply_2", "Sent while you were away.");
            Await.until("the reply is stored", Duration.ofSeconds(20), () -> gateway.send(ContractRequest.get("/v1/session/" + session
                + "/events").header("Authorization", "Bearer " + token)).text().contains("e_console_reply_2"));
            browser.click("#watch");
            Await.until("the missed reply replayed after the reconnect", Duration.ofSeconds(20),
                () -> Boolean.TRUE.equals(browser.script(
                    "return !!document.querySelector('#events li.replayed[data-event-id=\"e_console_reply_2\"]');")));
            assertEquals(3L, ((Number) browser.script("return document.querySelectorAll('#events li').length;")).longValue(),
                "the message and both replies, each once");
            assertTrue(String.valueOf(browser.script("return document.getElementById('status').textContent;")).contains("resumed"));
            byte[] png = browser.screenshot();
            Path shot = Path.of("target", "console.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, png);
        }
    }
}
