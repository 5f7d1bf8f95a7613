package io.gatehouse.admin;

import io.gatehouse.definition.DefinitionContributor;
import io.gatehouse.definition.GatewayDefinition;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The admin API's objects as one more source of the gateway definition, named
 * {@value #SOURCE}: the routes, upstreams and plans of the {@link AdminStore}, as last read.
 *
 * <p>{@link #sources()} never touches the database: {@link io.gatehouse.definition.GatewayState} calls it on every load,
 * start-up included, and a start must not wait for or fail on the database. The first read is
 * tried at construction for at most {@link AdminConfiguration#getStartupTimeout()}; when the
 * database does not answer, the gateway starts without the admin objects, the health report says
 * so, and {@link AdminSync} loads them once the database answers.
 *
 * @see io.gatehouse.definition.GatewayState
 */
@Singleton
@Requires(beans = AdminStore.class)
final class AdminDefinitions implements DefinitionContributor {

    /** The name of this source in problems and in {@code RouteDefinition.source()}. */
    static final String SOURCE = "admin API";

    private static final Logger LOG = LoggerFactory.getLogger(AdminDefinitions.class);

    private final AdminStore store;
    private volatile AdminStore.Contents contents = AdminStore.Contents.NONE;
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    AdminDefinitions(AdminStore store, AdminConfiguration configuration) {
        this.store = store;
        FutureTask<AdminStore.Contents> first = new FutureTask<>(store::read);
        Thread.ofVirtual().name("gatehouse-admin-store-start").start(first);
        try {
            accept(first.get(configuration.getStartupTimeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            // Not cancelled: interrupting a migration half-way breaks its connection. It finishes in
            // the background, its result unused; AdminSync loads the store and reloads the table.
            failed("the database did not answer within " + configuration.getStartupTimeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            failed(describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed("interrupted");
        }
    }

    @Override
    public List<GatewayDefinition.Source> sources() {
        AdminStore.Contents now = contents;
        if (now.entries().isEmpty()) {
            return List.of();
        }
        return List.of(source(SOURCE, now.entries()));
    }

    /**
     * @param name    the source's name
     * @param entries stored objects in creation order
     * @return them as a configuration tree of the declarative file's shape
     */
    static GatewayDefinition.Source source(String name, List<AdminStore.Entry> entries) {
        List<Object> routes = entries.stream().filter(e -> e.kind() == AdminStore.Kind.ROUTE).map(AdminStore.Entry::tree).toList();
        Map<String, Object> upstreams = new LinkedHashMap<>();
        entries.stream().filter(e -> e.kind() == AdminStore.Kind.UPSTREAM).forEach(e -> upstreams.put(e.id(), e.tree()));
        Map<String, Object> plans = new LinkedHashMap<>();
        entries.stream().filter(e -> e.kind() == AdminStore.Kind.PLAN).forEach(e -> plans.put(e.id(), e.tree()));
        Map<String, Object> tree = new LinkedHashMap<>();
        if (!upstreams.isEmpty()) {
            tree.put("upstreams", upstreams);
        }
        if (!plans.isEmpty()) {
            tree.put("plans", plans);
        }
        if (!routes.isEmpty()) {
            tree.put("routes", routes);
        }
        return new GatewayDefinition.Source(name, tree);
    }

    /**
     * @return what was last read from the store
     */
    AdminStore.Contents contents() {
        return contents;
    }

    /**
     * @return whether the store was read at least once
     */
    boolean loaded() {
        return contents.revision() >= 0;
    }

    /**
     * @return why the store could not be read the last time it could not, or {@code null} after a success
     */
    String lastError() {
        return lastError;
    }

    /**
     * @return when {@link #lastError()} happened
     */
    Instant lastErrorAt() {
        return lastErrorAt;
    }

    /**
     * Reads the store when its revision differs from the one held.
     *
     * @return whether the contents changed
     */
    boolean refresh() {
        try {
            if (loaded() && store.revision() == contents.revision()) {
                lastError = null;
                return false;
            }
            return accept(store.read());
        } catch (SQLException | RuntimeException e) {
            failed(describe(e));
            return false;
        }
    }

    /**
     * Takes contents read or written by this instance, unless newer ones are held already.
     *
     * @param next the contents
     * @return whether they replaced the ones held
     */
    synchronized boolean accept(AdminStore.Contents next) {
        lastError = null;
        if (next.revision() <= contents.revision()) {
            return false;
        }
        contents = next;
        return true;
    }

    private void failed(String error) {
        if (!error.equals(lastError)) {
            LOG.warn("The admin store cannot be read ({}); the table in force stays", error);
        }
        lastError = error;
        lastErrorAt = Instant.now();
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
