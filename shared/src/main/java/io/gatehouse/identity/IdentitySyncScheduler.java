package io.gatehouse.identity;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Internal;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The background half of {@link IdentitySync} in a long-running instance: a version check every
 * {@code gateway.identity.sync.interval}, and, with Redis, a pub/sub subscription that applies a
 * change as soon as it is announced. The subscription is opened by the first tick, not at
 * start-up, and tried again on every tick until it succeeds; Lettuce re-subscribes after a
 * reconnect. Not on Lambda, whose process is frozen between invocations.
 */
@Internal
@Singleton
@Requires(notEnv = Environment.FUNCTION)
@Requires(property = IdentitySyncConfiguration.PREFIX + ".background", notEquals = "false")
final class IdentitySyncScheduler implements ApplicationEventListener<StartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(IdentitySyncScheduler.class);

    private final IdentitySync sync;
    private final IdentityRedis redis;
    private final long intervalMillis;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gatehouse-identity-sync");
        thread.setDaemon(true);
        return thread;
    });
    private volatile StatefulRedisPubSubConnection<String, String> subscription;

    IdentitySyncScheduler(IdentitySync sync, IdentityRedis redis, IdentitySyncConfiguration configuration) {
        this.sync = sync;
        this.redis = redis;
        this.intervalMillis = Math.max(10, configuration.getInterval().toMillis());
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        ticker.scheduleWithFixedDelay(this::tick, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            if (redis.configured() && subscription == null) {
                subscribe();
            }
            sync.check().get(Math.max(intervalMillis * 4, 2000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("Identity check failed: {}", e.toString());
        }
    }

    private void subscribe() {
        try {
            StatefulRedisPubSubConnection<String, String> connection = redis.client().connectPubSub();
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    sync.onMessage(message);
                }
            });
            redis.await(connection.async().subscribe(redis.channel()));
            subscription = connection;
            LOG.debug("Subscribed to {}", redis.channel());
        } catch (Exception e) {
            LOG.warn("Cannot subscribe to {} yet ({}); polling every {} ms meanwhile", redis.channel(), e.toString(), intervalMillis);
        }
    }

    @PreDestroy
    void stop() {
        ticker.shutdownNow();
        StatefulRedisPubSubConnection<String, String> connection = subscription;
        if (connection != null) {
            connection.closeAsync();
        }
    }
}
