package io.gatehouse.container.server;

import io.gatehouse.config.GatewayConfiguration;
import io.gatehouse.error.ErrorResponses;
import io.gatehouse.error.GatewayException;
import io.gatehouse.policy.PolicyChains;
import io.micronaut.context.BeanProvider;
import io.gatehouse.runtime.LocalResources;
import io.micronaut.core.annotation.Internal;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The limits in force, resolved once at start-up, and the count of open client connections.
 */
@Singleton
@Internal
final class ServerLimits {

    private static final Logger LOG = LoggerFactory.getLogger(ServerLimits.class);

    private final ServerLimitsConfiguration configuration;
    private final ErrorResponses errors;
    private final LocalResources resources;
    private final String apiVersion;
    private final BeanProvider<PolicyChains> chains;
    /** The limit, {@code 0} until the first connection resolves the default. */
    private volatile int maxConnections;
    private final AtomicInteger connections = new AtomicInteger();

    ServerLimits(ServerLimitsConfiguration configuration, ErrorResponses errors, LocalResources resources,
                 GatewayConfiguration gatewayConfiguration, BeanProvider<PolicyChains> chains) {
        this.chains = chains;
        this.configuration = configuration;
        this.errors = errors;
        this.resources = resources;
        this.apiVersion = gatewayConfiguration.getApiVersion();
        Integer configured = configuration.getMaxConnections();
        if (configured != null) {
            this.maxConnections = Math.max(1, configured);
        }
    }

    /**
     * @return the limit; the default is derived when the first connection arrives, so that the
     *     descriptors the running server holds (event loops, listeners, pools) are counted
     */
    int maxConnections() {
        int max = maxConnections;
        if (max == 0) {
            synchronized (this) {
                max = maxConnections;
                if (max == 0) {
                    long limit = resources.maxFiles();
                    long open = resources.openFiles();
                    max = defaultMaxConnections(limit, open);
                    LOG.info("Client connections limited to {} (derived from the open-file limit {}, {} open now;"
                        + " gateway.server.max-connections sets it)", max, limit, open);
                    maxConnections = max;
                }
            }
        }
        return max;
    }

    /**
     * @param limit the open-file limit, or {@code -1} when unknown
     * @param open  the descriptors open now, or {@code -1} when unknown
     * @return the default connection limit: {@link ServerLimitsConfiguration#DEFAULT_MAX_CONNECTIONS_SHARE}
     *     of the descriptors free, at least 1; unbounded when the limit is unknown
     */
    static int defaultMaxConnections(long limit, long open) {
        if (limit <= 0) {
            return Integer.MAX_VALUE;
        }
        long free = limit - Math.max(0, open);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (long) (free * ServerLimitsConfiguration.DEFAULT_MAX_CONNECTIONS_SHARE)));
    }

    /**
     * Counts a new client connection.
     *
     * @return whether it is above the limit (it is refused then)
     */
    boolean opened() {
        boolean over = connections.incrementAndGet() > maxConnections();
        if (over) {
            resources.exhausted(LocalResources.Shortage.MAX_CONNECTIONS);
        }
        return over;
    }

    /** A client connection closed. */
    void closed() {
        connections.decrementAndGet();
    }

    LocalResources resources() {
        return resources;
    }

    ErrorResponses errors() {
        return errors;
    }

    String apiVersion() {
        return apiVersion;
    }

    /**
     * @return the policy chains, whose own chain gives the guard's refusals their security headers
     */
    PolicyChains chains() {
        return chains.get();
    }

    Duration requestHeadTimeout() {
        return configuration.getRequestHeadTimeout();
    }

    long requestHeadTimeoutNanos() {
        return configuration.getRequestHeadTimeout().toNanos();
    }

    long requestBodyGraceNanos() {
        return configuration.getRequestBodyGrace().toNanos();
    }

    long requestBodyMinRate() {
        return configuration.getRequestBodyMinRate();
    }

    static GatewayException overloaded() {
        return LocalResources.overloaded(LocalResources.Shortage.MAX_CONNECTIONS);
    }
}
