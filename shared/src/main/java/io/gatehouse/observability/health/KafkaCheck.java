package io.gatehouse.observability.health;

import io.micronaut.configuration.kafka.config.KafkaDefaultConfiguration;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Kafka, when {@code kafka.bootstrap.servers} is configured: describes the cluster through an
 * admin client that is created on the first check, so start-up never waits for the broker. The
 * client takes the same {@code kafka.*} client settings as the gateway's producers and consumers
 * (micronaut-kafka's {@link KafkaDefaultConfiguration}: {@code security.protocol}, {@code ssl.*},
 * {@code sasl.*}, ...), those an admin client knows, so a broker that requires TLS or SASL (Amazon
 * MSK) is checked the way it is used rather than reported down.
 */
@Singleton
@Requires(property = KafkaCheck.BOOTSTRAP_SERVERS)
final class KafkaCheck implements DependencyCheck {

    static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";

    private final String bootstrapServers;
    private final Map<String, Object> settings;
    private volatile Admin admin;

    @Inject
    KafkaCheck(@Value("${" + BOOTSTRAP_SERVERS + "}") String bootstrapServers, KafkaDefaultConfiguration kafka) {
        this(bootstrapServers, kafka.getConfig());
    }

    /**
     * @param bootstrapServers the brokers
     * @param config           the {@code kafka.*} client settings
     */
    KafkaCheck(String bootstrapServers, Properties config) {
        this.bootstrapServers = bootstrapServers;
        this.settings = adminSettings(config);
    }

    /**
     * @param config the gateway's {@code kafka.*} client settings
     * @return those an admin client knows (the others would only be logged as unknown)
     */
    static Map<String, Object> adminSettings(Properties config) {
        Map<String, Object> known = new HashMap<>();
        Set<String> names = AdminClientConfig.configNames();
        config.forEach((key, value) -> {
            if (names.contains(String.valueOf(key))) {
                known.put(String.valueOf(key), value);
            }
        });
        return known;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public CheckResult check(Duration timeout) throws Exception {
        int millis = (int) timeout.toMillis();
        Collection<Node> nodes = admin(millis).describeCluster(new DescribeClusterOptions().timeoutMs(millis))
            .nodes().get(millis, TimeUnit.MILLISECONDS);
        return nodes.isEmpty()
            ? CheckResult.down("no brokers", Map.of("bootstrap_servers", bootstrapServers))
            : CheckResult.ok(Map.of("brokers", nodes.size()));
    }

    private Admin admin(int timeoutMillis) {
        Admin current = admin;
        if (current == null) {
            synchronized (this) {
                current = admin;
                if (current == null) {
                    Map<String, Object> config = new HashMap<>(settings);
                    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
                    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
                    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "gatehouse-health");
                    current = Admin.create(config);
                    admin = current;
                }
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        Admin current = admin;
        if (current != null) {
            current.close(Duration.ofSeconds(1));
        }
    }
}
