package io.gatehouse.conversation;

import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the outbox: claims unpublished rows, publishes each (Kafka, or the local bus), and marks
 * those acknowledged as sent. At least once: a row is marked only after the broker acknowledged it,
 * so a crash or an outage anywhere in between publishes it again later, never loses it; a consumer
 * recognises a repeat by its {@code event_id} header.
 *
 * <p>In the container one background thread runs it, woken after each commit and every
 * {@code gateway.conversations.relay-interval}; on Lambda, where a frozen process runs no thread,
 * the intake publishes its own row after the commit and {@code OutboxRelayHandler}, a scheduled
 * function, calls {@link #drain} for whatever is left.
 */
@Singleton
public class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    /** The longest a pass waits for one batch of acknowledgements. */
    private static final long ACK_TIMEOUT_MS = 15_000;

    private final ConversationStore store;
    private final InboundPublisher publisher;
    private final ConversationConfiguration configuration;
    private final ConversationTracing tracing;
    private final JsonMapper json;
    private final Semaphore wake = new Semaphore(0);
    private final Object passLock = new Object();
    private final Counter published;
    private final Counter failed;
    private final Timer latency;
    private final AtomicLong backlogRows = new AtomicLong();
    private final AtomicLong backlogAge = new AtomicLong();
    private volatile Thread thread;
    private volatile boolean running;
    private volatile long lastFailureLog;
    private volatile boolean lastPassFailed;

    OutboxRelay(ConversationStore store, InboundPublisher publisher, ConversationConfiguration configuration,
                ConversationTracing tracing, JsonMapper json, MeterRegistry registry) {
        this.store = store;
        this.publisher = publisher;
        this.configuration = configuration;
        this.tracing = tracing;
        this.json = json;
        this.published = Counter.builder("gatehouse_outbox_published").description("Outbox rows published and acknowledged")
            .tag("bus", publisher.name()).register(registry);
        this.failed = Counter.builder("gatehouse_outbox_publish_failures").description("Outbox rows whose publish failed (tried again later)")
            .tag("bus", publisher.name()).register(registry);
        this.latency = Timer.builder("gatehouse_outbox_publish_latency").description("From acceptance to acknowledgement by the bus")
            .tag("bus", publisher.name()).publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("gatehouse_outbox_backlog", backlogRows, AtomicLong::get).description("Outbox rows not yet published")
            .register(registry);
        Gauge.builder("gatehouse_outbox_oldest_age_seconds", backlogAge, a -> a.get() / 1000.0)
            .description("Age of the oldest unpublished outbox row").register(registry);
    }

    @EventListener
    void onStartup(StartupEvent event) {
        if (!configuration.isRelayInBackground() || thread != null) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name("gatehouse-outbox-relay").start(this::loop);
    }

    @EventListener
    void onShutdown(ShutdownEvent event) {
        running = false;
        Thread t = thread;
        if (t != null) {
            wake.release();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * @return whether a background thread relays (otherwise the intake publishes after commit)
     */
    public boolean inBackground() {
        return thread != null;
    }

    /**
     * @return whether the last pass of {@link #drain} or {@link #publishNow} had a publish fail
     */
    public boolean lastPassFailed() {
        return lastPassFailed;
    }

    /**
     * Asks the background relay to look now (a row was just committed).
     */
    public void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    private void loop() {
        long lastPurge = 0;
        long interval = Math.max(10, configuration.getRelayInterval().toMillis());
        while (running) {
            try {
                wake.tryAcquire(interval, TimeUnit.MILLISECONDS);
                wake.drainPermits();
                if (!running) {
                    break;
                }
                drain();
                long now = System.currentTimeMillis();
                if (now - lastPurge > 60_000) {
                    lastPurge = now;
                    store.purgeSent(now - configuration.getOutboxRetention().toMillis());
                    ConversationStore.Backlog backlog = store.backlog();
                    backlogRows.set(backlog.rows());
                    backlogAge.set(backlog.oldestAgeMs());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                logFailure("Outbox relay pass failed; retrying: {}", e.toString());
            }
        }
    }

    /**
     * Publishes every unpublished row whose claim is free, batch after batch, until none is left
     * or a publish fails.
     *
     * @return how many rows were published
     */
    public int drain() {
        int total = 0;
        synchronized (passLock) {
            while (true) {
                int sent = pass(null);
                if (sent < 0) {
                    break;
                }
                total += sent;
                if (sent < configuration.getRelayBatch()) {
                    break;
                }
            }
        }
        return total;
    }

    /**
     * Publishes one event's row now, if it is still unpublished and unclaimed (the intake on Lambda,
     * right after its commit). A failure leaves it for the scheduled relay.
     *
     * @param eventId the event
     * @return whether it was published
     */
    public boolean publishNow(String eventId) {
        try {
            return pass(eventId) == 1;
        } catch (RuntimeException e) {
            logFailure("Publishing event after commit failed; the relay publishes it later: {}", e.toString());
            return false;
        }
    }

    /** One batch: claim, publish all, wait for the acknowledgements, mark what was acknowledged. */
    private int pass(@Nullable String eventId) {
        long now = System.currentTimeMillis();
        List<ConversationStore.OutboxRow> rows = store.claim(eventId != null ? 1 : configuration.getRelayBatch(), now,
            configuration.getRelayClaim().toMillis(), eventId);
        if (rows.isEmpty()) {
            lastPassFailed = false;
            if (eventId == null) {
                backlogRows.set(0);
                backlogAge.set(0);
            }
            return 0;
        }
        List<CompletableFuture<Void>> sends = new ArrayList<>(rows.size());
        for (ConversationStore.OutboxRow row : rows) {
            Map<String, String> headers = headers(row);
            CompletableFuture<Void> send;
            try {
                send = tracing.publish(row.topic(), headers, h -> publisher.publish(row, h)).toCompletableFuture();
            } catch (RuntimeException e) {
                send = CompletableFuture.failedFuture(e);
            }
            sends.add(send);
            if (send.isCompletedExceptionally()) {
                // The bus refused at once (Kafka: no metadata within max.block.ms, so the brokers are
                // gone): the rest of the batch would each wait as long. They are released untried.
                break;
            }
        }
        for (int i = sends.size(); i < rows.size(); i++) {
            sends.add(CompletableFuture.failedFuture(new IllegalStateException("not tried: an earlier publish of the pass failed")));
        }
        List<Long> ok = new ArrayList<>(rows.size());
        List<Long> retry = new ArrayList<>();
        Throwable firstError = null;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MS);
        for (int i = 0; i < rows.size(); i++) {
            ConversationStore.OutboxRow row = rows.get(i);
            try {
                sends.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                ok.add(row.seq());
                latency.record(Math.max(0, System.currentTimeMillis() - row.createdAt()), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                retry.add(row.seq());
                if (firstError == null) {
                    firstError = e instanceof ExecutionException ? e.getCause() : e;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                retry.add(row.seq());
            }
        }
        store.sent(ok, System.currentTimeMillis());
        published.increment(ok.size());
        lastPassFailed = !retry.isEmpty();
        if (!retry.isEmpty()) {
            failed.increment(retry.size());
            store.release(retry);
            logFailure("Publishing {} outbox rows failed; they stay in the outbox and are tried again: {}", retry.size(),
                String.valueOf(firstError));
            return -1;
        }
        return ok.size();
    }

    private Map<String, String> headers(ConversationStore.OutboxRow row) {
        Map<String, String> headers = new LinkedHashMap<>();
        try {
            Map<?, ?> stored = json.readValue(row.headers(), Map.class);
            stored.forEach((k, v) -> {
                if (k != null && v != null) {
                    headers.put(k.toString(), v.toString());
                }
            });
        } catch (IOException e) {
            LOG.warn("Outbox row {} has unreadable headers; publishing with its event id only", row.eventId());
        }
        headers.put("event_id", row.eventId());
        return headers;
    }

    private void logFailure(String message, Object... args) {
        long now = System.currentTimeMillis();
        if (now - lastFailureLog > 10_000) {
            lastFailureLog = now;
            LOG.warn(message, args);
        }
    }
}
