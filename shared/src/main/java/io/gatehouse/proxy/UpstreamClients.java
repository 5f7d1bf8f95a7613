package io.gatehouse.proxy;

import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.RawHttpClient;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP clients the buffered engine sends with: Micronaut's {@link RawHttpClient}, one per
 * distinct connect timeout (the only per-route setting that lives in a client's configuration),
 * each with its own connection pool.
 *
 * <p>Every client is configured as a proxy needs it: no redirects followed, no decompression (the
 * body reaches the client byte for byte, {@code Content-Encoding} intact), no read or request
 * timeout of its own (the route's response timeout is applied per exchange), and the raw API never
 * turns a 4xx or 5xx into an exception.
 */
@Singleton
final class UpstreamClients {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamClients.class);

    private final Map<Duration, RawHttpClient> clients = new ConcurrentHashMap<>();

    /**
     * @param connectTimeout the route's connect timeout
     * @return the client for it, created on first use
     */
    RawHttpClient forConnectTimeout(Duration connectTimeout) {
        return clients.computeIfAbsent(connectTimeout, UpstreamClients::create);
    }

    private static RawHttpClient create(Duration connectTimeout) {
        DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
        configuration.setConnectTimeout(connectTimeout);
        configuration.setReadTimeout(null);
        configuration.setRequestTimeout(null);
        configuration.setFollowRedirects(false);
        configuration.setDecompressionEnabled(false);
        configuration.setExceptionOnErrorStatus(false);
        return RawHttpClient.create(null, configuration);
    }

    @PreDestroy
    void close() {
        for (RawHttpClient client : clients.values()) {
            try {
                client.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("Closing an upstream client failed", e);
            }
        }
        clients.clear();
    }
}
