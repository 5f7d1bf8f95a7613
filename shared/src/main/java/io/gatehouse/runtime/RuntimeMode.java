package io.gatehouse.runtime;

import io.micronaut.context.env.Environment;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance runs single-node with embedded stores (no external service configured:
 * H2 in memory stands in for PostgreSQL, and nothing is shared with other instances) or
 * distributed. Logged once at start-up and shown in the health report.
 */
@Singleton
public class RuntimeMode {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeMode.class);

    private final boolean embedded;
    private final String databaseUrl;

    RuntimeMode(Environment environment) {
        this.databaseUrl = environment.getProperty("datasources.default.url", String.class).orElse("");
        boolean externalDatabase = !databaseUrl.isEmpty() && !databaseUrl.startsWith("jdbc:h2:mem:");
        boolean redis = environment.containsProperty("redis.uri");
        boolean kafka = environment.containsProperty("kafka.bootstrap.servers");
        this.embedded = !externalDatabase && !redis && !kafka;
    }

    /**
     * @return {@code embedded} or {@code distributed}
     */
    public String name() {
        return embedded ? "embedded" : "distributed";
    }

    /**
     * @return whether this instance runs single-node with embedded stores
     */
    public boolean isEmbedded() {
        return embedded;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        if (embedded) {
            LOG.info("Gatehouse runs single-node with embedded stores (database {}); configure "
                + "DATASOURCES_DEFAULT_URL, REDIS_URI and KAFKA_BOOTSTRAP_SERVERS to run distributed.", databaseUrl);
        } else {
            LOG.info("Gatehouse runs distributed (database {}).", databaseUrl);
        }
    }
}
