package io.gatehouse.observability.health;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Kafka, when {@code kafka.bootstrap.servers} is configured: describes the cluster through an
 * admin client that is created on the first check, so start-up never waits for the broker.
 */
@Singleton
@Requires(property = KafkaCheck.BOOTSTRAP_SERVERS)
final class KafkaCheck implements DependencyCheck {

    static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";

    private final String bootstrapServers;
    private volatile Admin admin;

    KafkaCheck(@Value("${" + BOOTSTRAP_SERVERS + "}") String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
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
                    current = Admin.create(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis,
                        AdminClientConfig.CLIENT_ID_CONFIG, "gatehouse-health"));
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
