package io.gatehouse.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.util.StringUtils;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The audit log: {@link #record(AuditEvent)} writes the event as one JSON line on the
 * {@value #LOGGER} logger at once, on the caller's thread, and hands it to the writer for the
 * {@code audit_events} table without waiting for anything. The JSON log therefore never depends on
 * the database: a crash loses at most what the logging framework had not written yet (the
 * appender {@code logback.xml} configures is synchronous and flushes every line), never the queue.
 *
 * <p>The queue is bounded ({@code gateway.audit.queue-size}) and {@link #record} never waits for
 * room: callers run on event-loop threads, which must not block. An event that finds the queue full
 * <em>overflows</em>: it is not stored, a second line {@code {"loss": "overflow", "persisted": false,
 * "event_id": ...}} says so, and it is counted ({@value #OVERFLOW_METRIC}, {@code /v1/health}'s
 * {@code audit} check). A batch the database refuses is retried with backoff while the queue has
 * room, for at most {@code gateway.audit.retry-timeout}; then a loss line {@code "loss": "database"}
 * is written for each of its events and they are counted as {@value #FAILED_METRIC}. Shutdown
 * writes what is queued and reports ({@code "loss": "shutdown"}) whatever it could not store,
 * the batch the writer holds included.
 *
 * <p>Two modes ({@link AuditConfiguration.Mode}): a background writer thread that inserts in
 * batches (the container), or {@code per-request}, where nothing runs between requests and
 * {@link AuditFlushFilter} writes a request's events before its response leaves (Lambda).
 */
@Singleton
@Requires(property = AuditConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
public class AuditLog {

    /** The logger every event is written to as one JSON object per line. */
    public static final String LOGGER = "gatehouse.audit";

    /** Counter of events that found the queue full: in the JSON log, not in the table. */
    public static final String OVERFLOW_METRIC = "gatehouse.audit.overflow";

    /** Counter of events the database did not take (given up, or left at shutdown): in the JSON log only. */
    public static final String FAILED_METRIC = "gatehouse.audit.failed";

    /** Counter of events written to the table. */
    public static final String WRITTEN_METRIC = "gatehouse.audit.written";

    /** Gauge of events waiting to be written. */
    public static final String QUEUE_METRIC = "gatehouse.audit.queue";

    private static final Logger JSON_LOG = LoggerFactory.getLogger(LOGGER);
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final long MAX_BACKOFF_MILLIS = 5000;

    /** Why an event is not in the table. */
    enum Loss {
        /** The queue was full. */
        OVERFLOW,
        /** The database refused it until the writer gave up. */
        DATABASE,
        /** The gateway shut down before it was written. */
        SHUTDOWN;

        String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The second line of an event that did not reach the table; the event itself was logged when
     * it was recorded, under the same id.
     *
     * @param loss      why it is not in the table: {@code overflow}, {@code database} or {@code shutdown}
     * @param persisted always {@code false}, for shippers that filter on it
     * @param eventId   the {@code id} of the event's own line
     * @param requestId the event's request id, to find it by
     * @param action    the event's action
     * @param error     the last database error for a {@code database} loss, or {@code null}
     */
    @Serdeable
    record LossLine(String loss, boolean persisted, @JsonProperty("event_id") String eventId,
                    @Nullable @JsonProperty("request_id") String requestId, String action,
                    @Nullable @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
    }

    /**
     * What the log has done since start, for {@code /v1/health}.
     *
     * @param mode          background or per-request
     * @param queued        events waiting now
     * @param capacity      the queue's size
     * @param written       events written to the table
     * @param overflowed    events that found the queue full
     * @param failed        events the database did not take
     * @param lastLoss      when an event last went unwritten, or {@code null}
     * @param failingSince  since when the writer has been failing to write, or {@code null}
     * @param lastError     the last database error, or {@code null}
     * @param skipped       per-request flushes that skipped the database during a backoff
     */
    record Stats(AuditConfiguration.Mode mode, int queued, int capacity, long written, long overflowed, long failed,
                 Instant lastLoss, Instant failingSince, String lastError, long skipped) {
    }

    private final AuditStore store;
    private final JsonMapper json;
    private final AuditConfiguration configuration;
    private final ArrayBlockingQueue<AuditEvent> queue;
    // The batch the writer is inserting, so that shutdown can report it when the writer does not finish.
    private final AtomicReference<List<AuditEvent>> inFlight = new AtomicReference<>();
    private final boolean recordAllowed;
    private final AtomicLong enqueued = new AtomicLong();
    /** Per-request flushes that skipped the database during a backoff. */
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Counter overflowCounter;
    private final Counter failedCounter;
    private final Counter writtenCounter;
    private final Object progress = new Object();
    private final Object flushLock = new Object();
    private final Thread writer;
    private volatile boolean running = true;
    private volatile boolean closed;
    private volatile boolean flushRequested;
    private volatile Instant lastLoss;
    private volatile Instant failingSince;
    private volatile String lastError;
    private long skipDatabaseUntil;
    private long skipBackoffMillis;

    AuditLog(AuditStore store, JsonMapper json, AuditConfiguration configuration, @Nullable MeterRegistry registry) {
        this.store = store;
        this.json = json;
        this.configuration = configuration;
        this.queue = new ArrayBlockingQueue<>(configuration.getQueueSize());
        this.recordAllowed = configuration.isRecordAllowed();
        if (registry != null) {
            this.overflowCounter = Counter.builder(OVERFLOW_METRIC)
                .description("Audit events that found the queue full: in the JSON log, not in the table").register(registry);
            this.failedCounter = Counter.builder(FAILED_METRIC)
                .description("Audit events the database did not take: in the JSON log, not in the table").register(registry);
            this.writtenCounter = Counter.builder(WRITTEN_METRIC).description("Audit events written to the table").register(registry);
            Gauge.builder(QUEUE_METRIC, queue, Collection::size).description("Audit events waiting to be written").register(registry);
        } else {
            this.overflowCounter = null;
            this.failedCounter = null;
            this.writtenCounter = null;
        }
        if (configuration.getMode() == AuditConfiguration.Mode.BACKGROUND) {
            this.writer = Thread.ofPlatform().name("gatehouse-audit-writer").daemon().start(this::writeLoop);
        } else {
            this.writer = null;
        }
    }

    /**
     * @return whether allowed route decisions are to be recorded ({@code gateway.audit.record-allowed})
     */
    public boolean recordsAllowed() {
        return recordAllowed;
    }

    /**
     * Writes the event to the JSON log and hands it to the writer. Never waits, on any thread: an
     * event that finds the queue full overflows (a loss line, counted) at once.
     *
     * @param event the event
     */
    public void record(AuditEvent event) {
        logEvent(event);
        if (closed) {
            lose(List.of(event), Loss.SHUTDOWN);
            return;
        }
        if (queue.offer(event)) {
            enqueued.incrementAndGet();
            return;
        }
        lose(List.of(event), Loss.OVERFLOW);
    }

    /**
     * Writes everything recorded so far before returning, or until the timeout. In
     * {@code per-request} mode the calling thread writes, once: events the database refuses are
     * given up, logged and counted, and after a failure the next flushes skip the database for a
     * backoff ({@code gateway.audit.skip-backoff}, 100 ms, doubling to 5 s), so a dead database costs one request per backoff its
     * timeout, not every request; in {@code background} mode it waits for the writer.
     *
     * @param timeout how long to wait at most (background mode)
     * @return whether everything recorded before the call has been dealt with
     */
    public boolean flush(Duration timeout) {
        if (writer == null) {
            synchronized (flushLock) {
                List<AuditEvent> batch = new ArrayList<>();
                while (queue.drainTo(batch, configuration.getBatchSize()) > 0) {
                    if (skipBackoffMillis > 0 && System.nanoTime() - skipDatabaseUntil < 0) {
                        skipped.incrementAndGet();
                        lose(batch, Loss.DATABASE);
                    } else if (write(batch, false)) {
                        skipBackoffMillis = 0;
                    } else {
                        skipBackoffMillis = Math.min(Math.max(configuration.getSkipBackoff().toMillis(), skipBackoffMillis * 2),
                            Math.max(MAX_BACKOFF_MILLIS, configuration.getSkipBackoff().toMillis()));
                        skipDatabaseUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(skipBackoffMillis);
                    }
                    batch.clear();
                }
            }
            return true;
        }
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        flushRequested = true;
        synchronized (progress) {
            progress.notifyAll();
            while (completed.get() < target) {
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remaining <= 0) {
                    return false;
                }
                try {
                    progress.wait(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * @return what the log has done since start
     */
    Stats stats() {
        return new Stats(configuration.getMode(), queue.size(), configuration.getQueueSize(), written.get(), overflowed.get(),
            failed.get(), lastLoss, failingSince, lastError, skipped.get());
    }

    /**
     * Reads the table.
     *
     * @param query the filters
     * @return matching events, newest first
     * @throws java.sql.SQLException when the database cannot be read
     */
    List<AuditEvent> find(AuditQuery query) throws java.sql.SQLException {
        return store.find(query);
    }

    private void writeLoop() {
        List<AuditEvent> batch = new ArrayList<>(configuration.getBatchSize());
        int batchSize = configuration.getBatchSize();
        long flushNanos = configuration.getFlushInterval().toNanos();
        while (running || !queue.isEmpty()) {
            try {
                AuditEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - batch.size());
                long deadline = System.nanoTime() + flushNanos;
                while (batch.size() < batchSize && running && !flushRequested) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        break;
                    }
                    AuditEvent next = queue.poll(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
                    if (next != null) {
                        batch.add(next);
                        queue.drainTo(batch, batchSize - batch.size());
                    }
                }
                flushRequested = false;
                List<AuditEvent> held = List.copyOf(batch);
                inFlight.set(held);
                write(held, true);
            } catch (InterruptedException e) {
                // close() interrupts a writer that outlives shutdown-timeout; what it holds is not stored.
                if (!batch.isEmpty()) {
                    lose(List.copyOf(batch), Loss.SHUTDOWN);
                }
            } catch (RuntimeException e) {
                LOG.error("The audit writer failed; {} event(s) are in the JSON log only", batch.size(), e);
                List<AuditEvent> held = inFlight.get();
                if (held == null || release(held)) {
                    lose(List.copyOf(batch), Loss.DATABASE);
                }
            } finally {
                inFlight.set(null);
                completed.addAndGet(batch.size());
                batch.clear();
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
        }
    }

    /**
     * @return whether the writer still owns its batch: {@code false} once shutdown has reported it lost
     */
    private boolean release(List<AuditEvent> batch) {
        return inFlight.compareAndSet(batch, null);
    }

    /**
     * Inserts a batch, retrying with backoff (background mode) while the queue has room, the
     * gateway runs and the retry timeout allows; logs every event with its outcome.
     *
     * @return whether the batch was written
     */
    private boolean write(List<AuditEvent> batch, boolean background) {
        long start = System.nanoTime();
        long retryNanos = configuration.getRetryTimeout().toNanos();
        long backoff = 100;
        while (true) {
            try {
                store.insert(batch);
                failingSince = null;
                written.addAndGet(batch.size());
                if (writtenCounter != null) {
                    writtenCounter.increment(batch.size());
                }
                if (background) {
                    release(batch);
                }
                return true;
            } catch (java.sql.SQLException | RuntimeException e) {
                lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (failingSince == null) {
                    failingSince = Instant.now();
                    LOG.warn("Audit events cannot be written to the database ({}); retrying while the queue has room", lastError);
                }
                boolean retry = background && running && queue.remainingCapacity() > 0
                    && System.nanoTime() - start + TimeUnit.MILLISECONDS.toNanos(backoff) < retryNanos;
                if (!retry) {
                    // At shutdown the batch may have been reported already (close() gave up waiting).
                    if (!background || release(batch)) {
                        LOG.warn("{} audit event(s) are in the JSON log only: {}", batch.size(), lastError);
                        lose(batch, running ? Loss.DATABASE : Loss.SHUTDOWN);
                    }
                    return false;
                }
                pause(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    private void pause(long millis) {
        synchronized (progress) {
            try {
                progress.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void lose(List<AuditEvent> events, Loss loss) {
        int n = events.size();
        lastLoss = Instant.now();
        if (loss == Loss.OVERFLOW) {
            overflowed.addAndGet(n);
            if (overflowCounter != null) {
                overflowCounter.increment(n);
            }
        } else {
            failed.addAndGet(n);
            if (failedCounter != null) {
                failedCounter.increment(n);
            }
        }
        logLines(events, false, loss.json());
    }

    private void logEvent(AuditEvent event) {
        if (!JSON_LOG.isInfoEnabled()) {
            return;
        }
        try {
            JSON_LOG.info(json.writeValueAsString(event));
        } catch (IOException | RuntimeException e) {
            LOG.error("Audit event {} could not be written as JSON: {}", event.id(), e.getMessage());
        }
    }

    private void logLines(List<AuditEvent> events, boolean persisted, String loss) {
        if (!JSON_LOG.isInfoEnabled()) {
            return;
        }
        String error = Loss.DATABASE.json().equals(loss) ? lastError : null;
        for (AuditEvent event : events) {
            try {
                JSON_LOG.info(json.writeValueAsString(new LossLine(loss, persisted, event.id(), event.requestId(), event.action(), error)));
            } catch (IOException | RuntimeException e) {
                LOG.error("The loss of audit event {} could not be written as JSON: {}", event.id(), e.getMessage());
            }
        }
    }

    /**
     * Writes what is queued (at most {@code gateway.audit.shutdown-timeout}); then interrupts a
     * writer still busy, and reports (a loss line each, counted) what it could not store: the queue
     * and the batch the writer holds. Events recorded from now on are in the JSON log only.
     */
    @PreDestroy
    void close() {
        closed = true;
        if (writer == null) {
            flush(Duration.ZERO);
            return;
        }
        running = false;
        synchronized (progress) {
            progress.notifyAll();
        }
        long waitMillis = Math.max(1, configuration.getShutdownTimeout().toMillis());
        try {
            writer.join(waitMillis);
            if (writer.isAlive()) {
                // Ends a backoff pause or a wait for the queue; a driver blocked on a socket may ignore it.
                writer.interrupt();
                writer.join(Math.min(waitMillis, 100));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<AuditEvent> held = inFlight.get();
        if (held != null && release(held)) {
            LOG.warn("{} audit event(s) the writer holds were not written before shutdown; they are in the JSON log only",
                held.size());
            lose(held, Loss.SHUTDOWN);
        }
        List<AuditEvent> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            LOG.warn("{} audit event(s) were not written before shutdown; they are in the JSON log only", left.size());
            lose(left, Loss.SHUTDOWN);
        }
    }
}
