package io.gatehouse.definition;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.route.RouteTable;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ApplicationEventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The route table and upstreams in force, swapped atomically as one snapshot. A request reads
 * {@link #current()} once and finishes on that snapshot whatever happens meanwhile.
 *
 * <p>Created at start-up ({@link Context}): an invalid definition stops the gateway with a message
 * naming each problem. Later {@link #reload()}s that fail leave the snapshot in force.
 */
@Context
public class GatewayState {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayState.class);

    /**
     * What one request routes by.
     *
     * @param table     the compiled routes
     * @param upstreams the live upstreams by name
     * @param definition the definition both were built from
     */
    public record Snapshot(RouteTable table, Map<String, Upstream> upstreams, GatewayDefinition definition) {
    }

    /**
     * Published after every successful swap.
     *
     * @param snapshot the new snapshot
     */
    public record Swapped(Snapshot snapshot) {
    }

    private final DefinitionLoader loader;
    private final UpstreamRegistry registry;
    private final ApplicationEventPublisher<Swapped> publisher;
    private final AtomicLong versions = new AtomicLong();
    private volatile Snapshot current;

    GatewayState(DefinitionLoader loader, UpstreamRegistry registry, ApplicationEventPublisher<Swapped> publisher) {
        this.loader = loader;
        this.registry = registry;
        this.publisher = publisher;
        this.current = build(loader.load());
        LOG.info("Route table v{} in force: {} routes, {} upstreams{}", current.table().version(),
            current.table().routes().size(), current.upstreams().size(),
            loader.file().map(f -> " (from " + f.toAbsolutePath() + ")").orElse(""));
    }

    /**
     * @return the snapshot in force
     */
    public Snapshot current() {
        return current;
    }

    /**
     * Loads every source again and swaps the snapshot when the result is valid.
     *
     * @return the new snapshot
     * @throws DefinitionException when the sources are invalid; the snapshot in force stays
     */
    public synchronized Snapshot reload() {
        GatewayDefinition definition;
        try {
            definition = loader.load();
        } catch (DefinitionException e) {
            LOG.error("Configuration change refused; route table v{} stays in force.\n{}", current.table().version(), e.getMessage());
            throw e;
        }
        Snapshot next = build(definition);
        current = next;
        LOG.info("Route table v{} in force: {} routes, {} upstreams", next.table().version(), next.table().routes().size(),
            next.upstreams().size());
        publisher.publishEvent(new Swapped(next));
        return next;
    }

    /**
     * Validates a definition as {@link #reload()} would, without swapping.
     *
     * @return the definition the sources hold now
     * @throws DefinitionException when they are invalid
     */
    public GatewayDefinition validate() {
        return loader.load();
    }

    private Snapshot build(GatewayDefinition definition) {
        Map<String, Upstream> upstreams = registry.reconcile(definition.upstreams());
        RouteTable table = new RouteTable(versions.incrementAndGet(), definition.routes(), definition.upstreams());
        return new Snapshot(table, upstreams, definition);
    }
}
