package io.gatehouse.audit;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Applies {@code gateway.audit.retention}, and exists only when it is set (nothing starts, nothing
 * is built at start-up otherwise): deletes the stored events older than it. A container
 * instance does so every {@code gateway.audit.prune-interval} on a thread of its own, never on a
 * request; Lambda ({@code per-request} mode) only on {@code POST /admin/audit/prune}. Several
 * instances pruning the same table at once only delete the same rows. The JSON log is never
 * pruned: the log pipeline keeps it as long as it is told to.
 */
@Context
@Requires(beans = AuditLog.class)
@Requires(property = AuditConfiguration.PREFIX + ".retention")
final class AuditRetention {

    private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);

    private final AuditStore store;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    AuditRetention(AuditStore store, AuditConfiguration configuration) {
        this.store = store;
        this.retention = configuration.getRetention();
        this.clock = Clock.systemUTC();
        if (configuration.getMode() == AuditConfiguration.Mode.BACKGROUND) {
            long interval = configuration.getPruneInterval().toMillis();
            this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("gatehouse-audit-retention").daemon().factory());
            timer.scheduleWithFixedDelay(this::pruneQuietly, interval, interval, TimeUnit.MILLISECONDS);
        } else {
            this.timer = null;
        }
    }

    /**
     * @return the retention
     */
    Duration retention() {
        return retention;
    }

    /**
     * Deletes the events older than the retention, now.
     *
     * @return the first instant kept and how many events were deleted
     * @throws SQLException when the database refuses
     */
    Pruned prune() throws SQLException {
        Instant before = clock.instant().minus(retention);
        long deleted = store.prune(before);
        if (deleted > 0) {
            LOG.info("Deleted {} audit event(s) older than {} ({} retention)", deleted, before, retention);
        }
        return new Pruned(before, deleted);
    }

    private void pruneQuietly() {
        try {
            prune();
        } catch (SQLException | RuntimeException e) {
            // The next run tries again; the events stay until then, which loses nothing.
            LOG.warn("Could not delete audit events older than the retention: {}", e.getMessage());
        }
    }

    @PreDestroy
    void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /**
     * What a pruning did.
     *
     * @param before  the first instant kept
     * @param deleted how many events were deleted
     */
    record Pruned(Instant before, long deleted) {
    }
}
