package io.gatehouse.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.core.util.StringUtils;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The public keys of every {@code gateway.jwt.jwks-urls} entry, held in memory as an immutable
 * snapshot that requests read without waiting.
 *
 * <p>In the container the sets are fetched on a background thread at start and every
 * {@code jwks-refresh-interval}; a token with an unknown {@code kid} starts an extra fetch at most
 * once per {@code jwks-cooldown}, so a rotated key is picked up without a restart. On Lambda, where
 * a frozen sandbox runs no background thread, the fetch happens inline in a request, at most once
 * per interval (and once per cool-down for an unknown {@code kid}). A URL that cannot be fetched
 * keeps its last good keys.
 */
@Singleton
@Requires(property = JwtConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
public class JwksKeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(JwksKeyStore.class);

    /** The largest JWKS document read, in bytes. */
    private static final int MAX_DOCUMENT_BYTES = 1024 * 1024;

    /**
     * The keys in force.
     *
     * @param keys      every usable key of every URL
     * @param fetchedAt {@link System#nanoTime()} of the fetch that produced it
     */
    record KeySet(List<VerificationKey> keys, long fetchedAt) {
    }

    private final List<URI> urls;
    private final Duration interval;
    private final Duration cooldown;
    private final Duration timeout;
    private final boolean inline;
    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private final Map<URI, List<VerificationKey>> lastGood = new LinkedHashMap<>();
    private final AtomicReference<CompletableFuture<KeySet>> inFlight = new AtomicReference<>();
    private final AtomicLong lastKidRefresh = new AtomicLong();
    private final AtomicLong lastInlineRefresh = new AtomicLong();
    private volatile KeySet current;

    @Inject
    JwksKeyStore(JwtConfiguration configuration, Environment environment) {
        this(configuration, environment.getActiveNames().contains(Environment.FUNCTION));
    }

    /**
     * @param configuration the JWT settings
     * @param inline        whether requests refresh the keys themselves (Lambda) instead of a background thread
     */
    JwksKeyStore(JwtConfiguration configuration, boolean inline) {
        this.urls = configuration.getJwksUrls().stream().map(URI::create).toList();
        this.interval = configuration.getJwksRefreshInterval();
        this.cooldown = configuration.getJwksCooldown();
        this.timeout = configuration.getJwksTimeout();
        this.inline = inline;
        long now = System.nanoTime();
        this.current = new KeySet(List.of(), now - interval.toNanos() - 1);
        this.lastKidRefresh.set(now - cooldown.toNanos() - 1);
        this.lastInlineRefresh.set(now - interval.toNanos() - 1);
        if (urls.isEmpty()) {
            this.client = null;
            this.scheduler = null;
            return;
        }
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        if (inline) {
            this.scheduler = null;
        } else {
            this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("gatehouse-jwks").daemon().factory());
            scheduler.scheduleWithFixedDelay(this::trigger, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * @return whether any JWKS URL is configured
     */
    boolean configured() {
        return !urls.isEmpty();
    }

    /**
     * The keys in force; on Lambda this fetches them first when they are older than the interval
     * and no request fetched them within it.
     *
     * @return the keys
     */
    KeySet keys() {
        if (inline && configured() && System.nanoTime() - current.fetchedAt() > interval.toNanos()) {
            long last = lastInlineRefresh.get();
            long now = System.nanoTime();
            if (now - last > interval.toNanos() && lastInlineRefresh.compareAndSet(last, now)) {
                refreshNow();
            }
        }
        return current;
    }

    /**
     * Asks for a refresh because a token named a {@code kid} that no key has, at most once per cool-down.
     * Inline (Lambda) it has finished when this returns.
     *
     * @return the refresh in flight, or {@code null} when the cool-down forbids one and none is running
     */
    CompletableFuture<KeySet> refreshForUnknownKid() {
        if (!configured()) {
            return null;
        }
        long last = lastKidRefresh.get();
        long now = System.nanoTime();
        if (now - last >= cooldown.toNanos() && lastKidRefresh.compareAndSet(last, now)) {
            if (inline) {
                return CompletableFuture.completedFuture(refreshNow());
            }
            return trigger();
        }
        return inFlight.get();
    }

    /**
     * @return the background refresh running now, or {@code null}
     */
    CompletableFuture<KeySet> pending() {
        return inFlight.get();
    }

    /**
     * Starts a background refresh unless one is running.
     *
     * @return the refresh
     */
    CompletableFuture<KeySet> trigger() {
        CompletableFuture<KeySet> running = inFlight.get();
        if (running != null) {
            return running;
        }
        CompletableFuture<KeySet> next = new CompletableFuture<>();
        if (!inFlight.compareAndSet(null, next)) {
            return inFlight.get();
        }
        Runnable work = () -> {
            try {
                next.complete(refreshNow());
            } catch (RuntimeException e) {
                next.completeExceptionally(e);
            } finally {
                inFlight.compareAndSet(next, null);
            }
        };
        if (scheduler != null) {
            scheduler.execute(work);
        } else {
            work.run();
        }
        return next;
    }

    /**
     * Fetches every URL now and swaps the snapshot; a URL that fails keeps its last good keys.
     *
     * @return the new snapshot
     */
    synchronized KeySet refreshNow() {
        for (URI url : urls) {
            try {
                List<VerificationKey> keys = fetch(url);
                List<VerificationKey> before = lastGood.put(url, keys);
                if (before == null || !kids(before).equals(kids(keys))) {
                    LOG.info("JWKS {}: {} signing keys {}", url, keys.size(), kids(keys));
                }
            } catch (IOException | ParseException | RuntimeException e) {
                LOG.warn("JWKS {} could not be fetched ({}); {} keys from the last fetch stay in force", url, e.toString(),
                    lastGood.getOrDefault(url, List.of()).size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<VerificationKey> all = new ArrayList<>();
        lastGood.values().forEach(all::addAll);
        KeySet next = new KeySet(List.copyOf(all), System.nanoTime());
        current = next;
        return next;
    }

    private List<VerificationKey> fetch(URI url) throws IOException, InterruptedException, ParseException {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(url).timeout(timeout)
            .header("Accept", "application/jwk-set+json, application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("status " + response.statusCode());
        }
        if (response.body().length > MAX_DOCUMENT_BYTES) {
            throw new IOException("document larger than " + MAX_DOCUMENT_BYTES + " bytes");
        }
        JWKSet set = JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8));
        List<VerificationKey> keys = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            try {
                JWK publicJwk = jwk.toPublicJWK();
                VerificationKey key = publicJwk == null ? null : VerificationKey.of(publicJwk);
                if (key != null) {
                    keys.add(key);
                }
            } catch (JOSEException e) {
                LOG.warn("JWKS {}: key {} skipped: {}", url, jwk.getKeyID(), e.getMessage());
            }
        }
        return List.copyOf(keys);
    }

    private static List<String> kids(List<VerificationKey> keys) {
        return keys.stream().map(k -> String.valueOf(k.kid())).toList();
    }

    @PreDestroy
    void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (client != null) {
            client.shutdownNow();
        }
    }
}
