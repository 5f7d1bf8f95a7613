package io.gatehouse.observability.health;

import io.gatehouse.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Kafka check uses the gateway's {@code kafka.*} client settings, as its producers and
 * consumers do: against the real test broker (plaintext), it is ok with none, and a client told
 * to speak TLS cannot reach it, as it would reach an MSK broker only with TLS.
 */
class KafkaCheckTest {

    @Test
    void adminSettings_thenOnlyWhatAnAdminClientKnows() {
        Properties config = new Properties();
        config.put("bootstrap.servers", "b:9092");
        config.put("security.protocol", "SSL");
        config.put("ssl.truststore.location", "/etc/truststore.jks");
        config.put("sasl.mechanism", "SCRAM-SHA-512");
        config.put("health.enabled", "false");
        config.put("max.poll.records", "10");
        assertEquals(Map.of("bootstrap.servers", "b:9092", "security.protocol", "SSL", "ssl.truststore.location", "/etc/truststore.jks",
            "sasl.mechanism", "SCRAM-SHA-512"), KafkaCheck.adminSettings(config));
    }

    @Test
    void plaintextBroker_thenOkWithoutSettings_unreachableWhenToldToSpeakTls() throws Exception {
        String bootstrap = TestServices.kafkaBootstrap();
        KafkaCheck plain = new KafkaCheck(bootstrap, new Properties());
        try {
            assertEquals(HealthStatus.OK, plain.check(Duration.ofSeconds(10)).status());
        } finally {
            plain.close();
        }
        Properties tls = new Properties();
        tls.put("security.protocol", "SSL");
        KafkaCheck overTls = new KafkaCheck(bootstrap, tls);
        try {
            assertThrows(Exception.class, () -> overTls.check(Duration.ofSeconds(2)), "the setting is applied: TLS to a plaintext port fails");
        } finally {
            overTls.close();
        }
    }
}
