package io.gatehouse.audit;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;

/**
 * The audit log, under {@code gateway.audit.*}. See {@code docs/audit.md}.
 */
@ConfigurationProperties(AuditConfiguration.PREFIX)
public class AuditConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.audit";

    /** Whether the audit log exists by default. */
    public static final boolean DEFAULT_ENABLED = true;

    /** How events are written by default. */
    public static final String DEFAULT_MODE = "background";

    /** How many events may wait for the writer by default. */
    public static final int DEFAULT_QUEUE_SIZE = 10000;

    /** The most events written in one insert by default. */
    public static final int DEFAULT_BATCH_SIZE = 200;

    /** Ignored: recording never waits for room in a full queue. */
    @Deprecated
    public static final long DEFAULT_OFFER_TIMEOUT_MILLIS = 0;

    /** How long the writer waits to fill a batch by default, in milliseconds. */
    public static final long DEFAULT_FLUSH_INTERVAL_MILLIS = 100;

    /** How long the writer retries a batch the database refuses by default, in milliseconds. */
    public static final long DEFAULT_RETRY_TIMEOUT_MILLIS = 30000;

    /** Per-request mode: how long flushes skip the database after its first failure, in milliseconds. */
    public static final long DEFAULT_SKIP_BACKOFF_MILLIS = 100;

    /** How long shutdown waits for the queue to be written by default, in milliseconds. */
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 5000;

    /** Whether allowed route decisions are recorded by default. */
    public static final boolean DEFAULT_RECORD_ALLOWED = true;

    /** By default the retention is applied once an hour. */
    public static final long DEFAULT_PRUNE_INTERVAL_SECONDS = 3600;

    /** How events reach the database. */
    public enum Mode {
        /** A background thread writes the queue in batches; a request never waits for the database. */
        BACKGROUND,
        /**
         * Each request writes what it recorded before its response is returned, and nothing runs
         * between requests: for AWS Lambda, where a frozen sandbox would strand a queue.
         */
        PER_REQUEST
    }

    private boolean enabled = DEFAULT_ENABLED;
    private Mode mode = Mode.BACKGROUND;
    private int queueSize = DEFAULT_QUEUE_SIZE;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration offerTimeout = Duration.ofMillis(DEFAULT_OFFER_TIMEOUT_MILLIS);
    private Duration flushInterval = Duration.ofMillis(DEFAULT_FLUSH_INTERVAL_MILLIS);
    private Duration retryTimeout = Duration.ofMillis(DEFAULT_RETRY_TIMEOUT_MILLIS);
    private Duration skipBackoff = Duration.ofMillis(DEFAULT_SKIP_BACKOFF_MILLIS);
    private Duration shutdownTimeout = Duration.ofMillis(DEFAULT_SHUTDOWN_TIMEOUT_MILLIS);
    private boolean recordAllowed = DEFAULT_RECORD_ALLOWED;
    private Duration retention;
    private Duration pruneInterval = Duration.ofSeconds(DEFAULT_PRUNE_INTERVAL_SECONDS);

    /**
     * Whether authentication failures, route decisions and admin changes are recorded at all.
     * Default {@value #DEFAULT_ENABLED}.
     *
     * @return whether the audit log is enabled
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether the audit log is enabled
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * How events reach the database: {@code background} (a writer thread, batches) or
     * {@code per-request} (written before each response; {@code application-lambda.yml} sets it).
     * Default {@value #DEFAULT_MODE}.
     *
     * @return the mode
     */
    public Mode getMode() {
        return mode;
    }

    /**
     * @param mode the mode
     */
    public void setMode(Mode mode) {
        this.mode = mode;
    }

    /**
     * How many events may wait to be written; an event that finds the queue full overflows at once
     * (in the JSON log, not in the table, counted). Default {@value #DEFAULT_QUEUE_SIZE}.
     *
     * @return the queue's capacity
     */
    public int getQueueSize() {
        return queueSize;
    }

    /**
     * @param queueSize the queue's capacity, at least 1
     */
    public void setQueueSize(int queueSize) {
        this.queueSize = Math.max(1, queueSize);
    }

    /**
     * The most events written in one batch insert. Default {@value #DEFAULT_BATCH_SIZE}.
     *
     * @return the batch size
     */
    public int getBatchSize() {
        return batchSize;
    }

    /**
     * @param batchSize the batch size, at least 1
     */
    public void setBatchSize(int batchSize) {
        this.batchSize = Math.max(1, batchSize);
    }

    /**
     * Ignored, kept so that configurations that set it still start: recording never waits for room
     * in a full queue, because it happens on event-loop threads, which must never block; an event
     * that finds the queue full overflows at once. Default {@value #DEFAULT_OFFER_TIMEOUT_MILLIS}.
     *
     * @return the configured value, unused
     * @deprecated recording never waits; the setting has no effect
     */
    @Deprecated
    public Duration getOfferTimeout() {
        return offerTimeout;
    }

    /**
     * @param offerTimeout ignored
     * @deprecated recording never waits; the setting has no effect
     */
    @Deprecated
    public void setOfferTimeout(Duration offerTimeout) {
        this.offerTimeout = offerTimeout;
    }

    /**
     * How long the writer waits for more events to fill a batch once it has one; the longest an
     * event waits in a queue that is not backed up. Default
     * {@value #DEFAULT_FLUSH_INTERVAL_MILLIS} ms.
     *
     * @return the flush interval
     */
    public Duration getFlushInterval() {
        return flushInterval;
    }

    /**
     * @param flushInterval the flush interval
     */
    public void setFlushInterval(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    /**
     * How long the writer retries (with backoff) a batch the database refuses. It gives up earlier
     * when the queue fills up behind it. Events given up are counted, reported and kept in the
     * JSON log. Default {@value #DEFAULT_RETRY_TIMEOUT_MILLIS} ms.
     *
     * @return the retry timeout
     */
    public Duration getRetryTimeout() {
        return retryTimeout;
    }

    /**
     * @param retryTimeout the retry timeout
     */
    public void setRetryTimeout(Duration retryTimeout) {
        this.retryTimeout = retryTimeout;
    }

    /**
     * In {@code per-request} mode, how long the requests after a failed write skip the database
     * (their events are given up, logged and counted) before one tries again; it doubles after
     * each further failure, up to 5 s. Default {@value #DEFAULT_SKIP_BACKOFF_MILLIS} ms.
     *
     * @return the first skip backoff
     */
    public Duration getSkipBackoff() {
        return skipBackoff;
    }

    /**
     * @param skipBackoff the first skip backoff
     */
    public void setSkipBackoff(Duration skipBackoff) {
        this.skipBackoff = skipBackoff;
    }

    /**
     * How long shutdown waits for the queue to be written; what is left after it is written to the
     * JSON log only, and counted. Default {@value #DEFAULT_SHUTDOWN_TIMEOUT_MILLIS} ms.
     *
     * @return the shutdown timeout
     */
    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    /**
     * @param shutdownTimeout the shutdown timeout
     */
    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /**
     * Whether route requests that were let through are recorded too, not only refusals. Routes
     * with {@code auth: none} are never recorded. Default {@value #DEFAULT_RECORD_ALLOWED}.
     *
     * @return whether allowed decisions are recorded
     */
    public boolean isRecordAllowed() {
        return recordAllowed;
    }

    /**
     * @param recordAllowed whether allowed decisions are recorded
     */
    public void setRecordAllowed(boolean recordAllowed) {
        this.recordAllowed = recordAllowed;
    }

    /**
     * How long stored events are kept: older ones are deleted from the table (never from the JSON
     * log, which the log pipeline keeps) every {@link #getPruneInterval() prune interval} by each
     * container instance, and on {@code POST /admin/audit/prune}. Default: not set, every event is
     * kept. Kong Enterprise's audit log keeps 30 days by default ({@code audit_log_record_ttl}).
     *
     * @return the retention, or {@code null} to keep every event
     */
    @Nullable
    public Duration getRetention() {
        return retention;
    }

    /**
     * @param retention the retention; zero or negative is refused
     */
    public void setRetention(@Nullable Duration retention) {
        if (retention != null && (retention.isZero() || retention.isNegative())) {
            throw new IllegalArgumentException(PREFIX + ".retention must be positive, not " + retention);
        }
        this.retention = retention;
    }

    /**
     * How often a container instance deletes the events older than the retention; the first run
     * comes one interval after start. Lambda never prunes by itself (nothing runs between
     * invocations): call {@code POST /admin/audit/prune} on a schedule instead. Default
     * {@value #DEFAULT_PRUNE_INTERVAL_SECONDS} s.
     *
     * @return the interval
     */
    public Duration getPruneInterval() {
        return pruneInterval;
    }

    /**
     * @param pruneInterval the interval; it must be positive
     */
    public void setPruneInterval(Duration pruneInterval) {
        if (pruneInterval == null || pruneInterval.isZero() || pruneInterval.isNegative()) {
            throw new IllegalArgumentException(PREFIX + ".prune-interval must be positive, not " + pruneInterval);
        }
        this.pruneInterval = pruneInterval;
    }
}
