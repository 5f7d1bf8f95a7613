package io.gatehouse.identity;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.lettuce.core.KeyValue;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps every instance's in-memory identity views ({@link Cache}s: revoked tokens, API keys) in
 * step with the store, so that a change made on one instance is seen by every instance and by
 * Lambda within one second.
 *
 * <p>Each view has a topic with a change version: a row of {@code gh_identity_changes} (increased
 * in the transaction that changes the topic) and, when Redis is configured, the counter
 * {@code <prefix>:version:<topic>} (increased after the commit, with a message on the channel
 * {@code <prefix>:changes}). A check reads the versions (one Redis {@code MGET}, or one query without
 * Redis; the database also when Redis fails) and reloads the views whose version moved. Checks
 * happen:
 * <ul>
 *   <li>at once on a pub/sub message, and every {@code gateway.identity.sync.interval} (500 ms), in
 *       a long-running instance ({@link IdentitySyncScheduler});</li>
 *   <li>before a request that carries a credential when the last successful check is older than
 *       {@code gateway.identity.sync.max-staleness} (500 ms) ({@link IdentitySyncFilter}): the way
 *       Lambda, frozen between invocations, stays fresh.</li>
 * </ul>
 * The instance that makes a change applies it to its own views before it answers.
 */
@Internal
@Singleton
public class IdentitySync {

    private static final Logger LOG = LoggerFactory.getLogger(IdentitySync.class);

    /** After a failed check, requests do not wait for another one for this long. */
    private static final long RETRY_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * An in-memory view that is reloaded when its topic's version moves.
     */
    public interface Cache {
        /**
         * @return the topic, a row of {@code gh_identity_changes}
         */
        String topic();

        /**
         * Loads the view again. Blocking; called off the event loop.
         *
         * @param fromRedis whether Redis holds what this view caches there (otherwise read the
         *                  database, and refill Redis when it is configured)
         * @throws Exception when the source cannot be read; the old view stays
         */
        void reload(boolean fromRedis) throws Exception;

        /**
         * A change announced on pub/sub, applied before the reload it also causes.
         *
         * @param payload what the writer sent with the topic
         */
        default void onMessage(String payload) {
        }
    }

    private final List<Cache> caches;
    private final IdentityDatabase database;
    private final IdentityRedis redis;
    private final ExecutorService executor;
    private final long maxStalenessNanos;
    private final long timeoutMillis;
    private final Map<String, String> loaded = new ConcurrentHashMap<>();
    private final AtomicReference<CompletableFuture<Void>> inFlight = new AtomicReference<>();
    private volatile long lastSuccess;
    private volatile boolean everSucceeded;
    private volatile long lastFailure;
    private volatile boolean everFailed;

    IdentitySync(List<Cache> caches, IdentityDatabase database, IdentityRedis redis,
                 @Named(TaskExecutors.BLOCKING) ExecutorService executor, IdentitySyncConfiguration configuration) {
        this.caches = List.copyOf(caches);
        this.database = database;
        this.redis = redis;
        this.executor = executor;
        this.maxStalenessNanos = configuration.getMaxStaleness().toNanos();
        this.timeoutMillis = Math.max(1, configuration.getTimeout().toMillis());
    }

    /**
     * Completes at once when the views are fresh enough, otherwise when a check has run (or failed,
     * or timed out: the request then goes on with the views it has, and requests do not wait again
     * for a second). Never completes exceptionally.
     *
     * @return a future to continue on
     */
    public CompletableFuture<Void> ensureFresh() {
        long now = System.nanoTime();
        if (everSucceeded && now - lastSuccess < maxStalenessNanos) {
            return CompletableFuture.completedFuture(null);
        }
        if (everFailed && now - lastFailure < RETRY_BACKOFF_NANOS && (!everSucceeded || lastFailure - lastSuccess > 0)) {
            return CompletableFuture.completedFuture(null);
        }
        return check().orTimeout(timeoutMillis * 2, TimeUnit.MILLISECONDS).exceptionally(e -> null);
    }

    /**
     * @return how long ago the last successful check started, in milliseconds; -1 before the first
     */
    public long staleness() {
        return everSucceeded ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastSuccess) : -1;
    }

    /**
     * Starts a check unless one is running, and returns the running one.
     *
     * @return completes when the check has run; exceptionally when it failed
     */
    public CompletableFuture<Void> check() {
        CompletableFuture<Void> running = inFlight.get();
        if (running != null) {
            return running;
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (!inFlight.compareAndSet(null, mine)) {
            return inFlight.get();
        }
        try {
            executor.execute(() -> {
                try {
                    runCheck();
                    mine.complete(null);
                } catch (Exception e) {
                    mine.completeExceptionally(e);
                } finally {
                    inFlight.compareAndSet(mine, null);
                }
            });
        } catch (RuntimeException e) {
            inFlight.compareAndSet(mine, null);
            mine.completeExceptionally(e);
        }
        return mine;
    }

    /**
     * Increases a topic's version in the database; call it inside the transaction that makes the change.
     *
     * @param connection the transaction's connection
     * @param topic      the topic
     * @throws SQLException on a database error
     */
    public static void bump(Connection connection, String topic) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE gh_identity_changes SET version = version + 1 WHERE topic = ?")) {
            statement.setString(1, topic);
            statement.executeUpdate();
        }
    }

    /**
     * Announces a committed change: applies it to this instance's views at once, then increases the
     * Redis version and publishes it. Blocking, bounded by {@code gateway.identity.sync.timeout}.
     *
     * @param topic   the topic
     * @param payload what the views need to apply the change before they reload, or {@code null}
     * @throws GatewayException 503 when Redis is configured and cannot be told; the change is
     *                          stored, and repeating the request announces it again
     */
    public void announce(String topic, @Nullable String payload) {
        for (Cache cache : caches) {
            if (!cache.topic().equals(topic)) {
                continue;
            }
            if (payload != null) {
                cache.onMessage(payload);
                continue;
            }
            try {
                cache.reload(false);
            } catch (Exception e) {
                LOG.warn("Reloading {} after a change failed: {}", topic, e.getMessage());
            }
        }
        if (redis.configured()) {
            try {
                redis.await(redis.async().incr(redis.key("version:" + topic)));
                redis.await(redis.async().publish(redis.channel(), payload == null ? topic : topic + "\t" + payload));
            } catch (Exception e) {
                LOG.warn("The change of {} is stored but Redis could not be told: {}", topic, e.getMessage());
                throw new GatewayException(ErrorCode.SERVICE_UNAVAILABLE,
                    "The change is stored but could not be announced to other instances; repeat the request.",
                    Map.of("store", "redis"), Map.of("Retry-After", "1"));
            }
        }
    }

    /**
     * Applies a pub/sub message, then checks.
     *
     * @param message {@code <topic>} or {@code <topic>\t<payload>}
     */
    void onMessage(String message) {
        int tab = message.indexOf('\t');
        String topic = tab < 0 ? message : message.substring(0, tab);
        if (tab >= 0) {
            String payload = message.substring(tab + 1);
            for (Cache cache : caches) {
                if (cache.topic().equals(topic)) {
                    cache.onMessage(payload);
                }
            }
        }
        check();
    }

    private void runCheck() throws Exception {
        long started = System.nanoTime();
        try {
            Map<String, String> versions = null;
            boolean fromRedis = false;
            if (redis.configured()) {
                try {
                    versions = redisVersions();
                    fromRedis = true;
                } catch (Exception e) {
                    LOG.debug("Redis versions unavailable, reading the database: {}", e.getMessage());
                }
            }
            if (versions == null) {
                versions = databaseVersions();
            }
            for (Cache cache : caches) {
                String version = versions.getOrDefault(cache.topic(), "none");
                if (version.equals(loaded.get(cache.topic()))) {
                    continue;
                }
                boolean missing = version.endsWith(":missing");
                cache.reload(fromRedis && !missing);
                if (missing) {
                    redis.await(redis.async().setnx(redis.key("version:" + cache.topic()), "0"));
                }
                loaded.put(cache.topic(), version);
            }
            lastSuccess = started;
            everSucceeded = true;
        } catch (Exception e) {
            lastFailure = System.nanoTime();
            everFailed = true;
            LOG.warn("Identity views could not be checked: {}", e.toString());
            throw e;
        }
    }

    private Map<String, String> redisVersions() throws Exception {
        String[] keys = caches.stream().map(c -> redis.key("version:" + c.topic())).toArray(String[]::new);
        Map<String, String> versions = new HashMap<>();
        if (keys.length == 0) {
            return versions;
        }
        List<KeyValue<String, String>> values = redis.await(redis.async().mget(keys));
        for (int i = 0; i < caches.size(); i++) {
            KeyValue<String, String> value = values.get(i);
            versions.put(caches.get(i).topic(), "redis:" + (value.hasValue() ? value.getValue() : "missing"));
        }
        return versions;
    }

    private Map<String, String> databaseVersions() {
        return database.transaction(connection -> {
            Map<String, String> versions = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT topic, version FROM gh_identity_changes");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    versions.put(rows.getString(1), "db:" + rows.getLong(2));
                }
            }
            return versions;
        });
    }
}
