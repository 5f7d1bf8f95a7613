package io.gatehouse.definition;

import io.gatehouse.config.DefinitionException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Internal;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reloads the route table when the declarative file ({@link DefinitionLoader#file()}) changes.
 *
 * <p>It polls: every {@link DefinitionWatchConfiguration#getWatchInterval() interval} it reads the
 * file and compares a SHA-256 of its content with the last one seen. A {@code WatchService} was
 * not used because it watches directory entries, not the file a path resolves to: it misses the
 * symlink swap by which Kubernetes updates a mounted ConfigMap, sees nothing on NFS and many bind
 * mounts, reports several events for one editor save (truncate, write, rename), and on macOS the
 * JDK polls anyway, every 2 to 10 seconds. Reading a file of a few kilobytes once a second costs
 * nothing measurable, and comparing content (not the modification time, whose resolution may be a
 * second or more) never misses an edit nor reloads for a {@code touch}.
 *
 * <p>An invalid edit is logged with every problem by {@link GatewayState#reload()} and the table
 * in force stays; the same content is not tried again until it changes. Requests in flight keep
 * the snapshot they started with.
 */
@Internal
@Singleton
@Requires(property = DefinitionWatchConfiguration.WATCH_PROPERTY, notEquals = "false")
final class DefinitionFileWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(DefinitionFileWatcher.class);

    /** What was last seen at the watched path: the path itself and a hash of its content, or none. */
    private record Seen(Path path, byte[] hash) {

        boolean sameAs(Seen other) {
            return other != null && java.util.Objects.equals(path, other.path) && Arrays.equals(hash, other.hash);
        }
    }

    private final DefinitionLoader loader;
    private final GatewayState state;
    private final DefinitionWatchConfiguration configuration;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
        Thread.ofVirtual().name("gatehouse-definition-watch").factory());
    private final AtomicInteger refused = new AtomicInteger();
    private volatile Seen seen;

    DefinitionFileWatcher(DefinitionLoader loader, GatewayState state, DefinitionWatchConfiguration configuration) {
        this.loader = loader;
        this.state = state;
        this.configuration = configuration;
        this.seen = look();
    }

    @EventListener
    void onStartup(StartupEvent event) {
        long interval = configuration.getWatchInterval().toMillis();
        executor.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.MILLISECONDS);
        LOG.info("Watching {} for changes every {} ms", seen.path() == null ? "for a declarative file" : seen.path(), interval);
    }

    /** Looks at the file once and reloads when its content differs from the last one seen. */
    void poll() {
        try {
            Seen now = look();
            if (now.sameAs(seen)) {
                return;
            }
            seen = now;
            LOG.info("{} changed; reloading the gateway definition", now.path() == null ? "The declarative file" : now.path());
            state.reload();
        } catch (DefinitionException e) {
            // GatewayState logged every problem; the table in force stays until the next edit.
            refused.incrementAndGet();
        } catch (RuntimeException e) {
            LOG.error("Reloading after a change of the declarative file failed; the table in force stays", e);
        }
    }

    /**
     * @return how many changes of the file were refused as invalid
     */
    int refused() {
        return refused.get();
    }

    private Seen look() {
        Optional<Path> file = loader.file();
        if (file.isEmpty()) {
            return new Seen(null, null);
        }
        Path path = file.get();
        try {
            return new Seen(path, MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)));
        } catch (NoSuchFileException e) {
            return new Seen(path, null);
        } catch (IOException e) {
            LOG.warn("Cannot read {}: {}", path, e.toString());
            return seen == null ? new Seen(path, null) : seen;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @PreDestroy
    void close() {
        executor.shutdownNow();
    }
}
