package io.gatehouse.admin;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.definition.GatewayState;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Brings this instance's route table up to date with the admin store: reads the store when its
 * revision moved and swaps the table ({@link GatewayState#reload()}).
 *
 * <p>Called by the PostgreSQL listener on every notification, and, where no background thread
 * may run (Lambda), before requests through {@link #checkForChanges()}: at most once per
 * {@link AdminConfiguration#getCheckInterval() check interval} one {@code SELECT} of the revision,
 * for which a request waits at most {@value #CHECK_WAIT_MILLIS} ms; a slower database finishes the
 * check in the background and the request is served by the table in force.
 */
@Singleton
@Requires(beans = AdminDefinitions.class)
public final class AdminSync {

    /** The longest a request waits for a revision check. */
    public static final long CHECK_WAIT_MILLIS = 500;

    static final long CATCH_UP_INITIAL_MILLIS = 250;
    static final long CATCH_UP_MAX_MILLIS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(AdminSync.class);

    private final AdminDefinitions definitions;
    private final GatewayState state;
    private final long checkIntervalNanos;
    private final AtomicLong nextCheck = new AtomicLong(System.nanoTime());
    private final AtomicReference<Future<?>> running = new AtomicReference<>();
    private final boolean checkOnRequest;
    private volatile boolean closed;
    private volatile Thread catchUp;

    AdminSync(AdminDefinitions definitions, GatewayState state, AdminConfiguration configuration) {
        this.definitions = definitions;
        this.state = state;
        this.checkIntervalNanos = configuration.getCheckInterval().toNanos();
        this.checkOnRequest = configuration.isCheckOnRequest();
    }

    /**
     * When the store could not be read at start-up, keeps trying in a virtual thread, with backoff
     * from {@value #CATCH_UP_INITIAL_MILLIS} ms to {@value #CATCH_UP_MAX_MILLIS} ms, until it is
     * loaded and the table reloaded. Not where requests check the revision themselves (Lambda):
     * there the next request does it.
     *
     * @param event the start-up
     */
    @EventListener
    void onStartup(StartupEvent event) {
        if (definitions.loaded() || checkOnRequest) {
            return;
        }
        catchUp = Thread.ofVirtual().name("gatehouse-admin-catch-up").start(() -> {
            long backoff = CATCH_UP_INITIAL_MILLIS;
            while (!closed && !definitions.loaded()) {
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    return;
                }
                synchronize();
                backoff = Math.min(backoff * 2, CATCH_UP_MAX_MILLIS);
            }
        });
    }

    /**
     * Checks the store's revision if the last check is older than the check interval, and reloads
     * when it moved. Cheap when called on every request: between checks it reads one clock.
     */
    public void checkForChanges() {
        long now = System.nanoTime();
        long due = nextCheck.get();
        if (now - due < 0 || !nextCheck.compareAndSet(due, now + checkIntervalNanos)) {
            return;
        }
        Future<?> inFlight = running.get();
        if (inFlight != null && !inFlight.isDone()) {
            return;
        }
        FutureTask<Boolean> task = new FutureTask<>(this::synchronize);
        if (!running.compareAndSet(inFlight, task)) {
            return;
        }
        Thread.ofVirtual().name("gatehouse-admin-check").start(task);
        try {
            task.get(CHECK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.debug("Revision check still running after {} ms; serving with the table in force", CHECK_WAIT_MILLIS);
        } catch (ExecutionException e) {
            LOG.warn("Revision check failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads the store if its revision moved and reloads the table if it did.
     *
     * @return whether the table was reloaded
     */
    public boolean synchronize() {
        if (closed || !definitions.refresh()) {
            return false;
        }
        return reload();
    }

    /**
     * Takes contents this instance wrote and reloads the table.
     *
     * @param contents the store after the change
     * @throws DefinitionException when the table cannot be reloaded (the change was stored)
     */
    void written(AdminStore.Contents contents) {
        definitions.accept(contents);
        state.reload();
    }

    private boolean reload() {
        try {
            state.reload();
            return true;
        } catch (DefinitionException e) {
            // GatewayState logged every problem; the table in force stays.
            return false;
        }
    }

    @PreDestroy
    void close() {
        closed = true;
        Thread thread = catchUp;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
