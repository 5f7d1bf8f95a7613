package io.gatehouse.definition;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.route.RouteTable;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ApplicationEventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The route table, the upstreams and every {@link DefinitionParticipant}'s part (the declared
 * consumers and their keys) in force, swapped atomically as one snapshot. A request reads
 * {@link #current()} once and finishes on that snapshot whatever happens meanwhile.
 *
 * <p>A change is all or nothing. {@link #reload()} reads every source, validates the whole
 * definition (routes, upstreams, policies, consumers, plans: {@link GatewayDefinition#of}), asks
 * every participant to prepare its part, and only when all of that succeeded builds the next
 * snapshot and swaps it in with one write, under one new version. Whatever fails on the way, the
 * snapshot in force stays whole: routes, upstreams and consumers as they were.
 *
 * <p>Created at start-up ({@link Context}): an invalid definition stops the gateway with a message
 * naming each problem.
 */
@Context
public class GatewayState {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayState.class);

    /**
     * What one request routes by.
     *
     * @param table      the compiled routes
     * @param upstreams  the live upstreams by name
     * @param definition the definition both were built from
     * @param parts      what each participant prepared from that definition, by the participant's class
     */
    public record Snapshot(RouteTable table, Map<String, Upstream> upstreams, GatewayDefinition definition,
                           Map<Class<?>, Object> parts) {

        /**
         * A snapshot without participants' parts.
         *
         * @param table      the compiled routes
         * @param upstreams  the live upstreams by name
         * @param definition the definition both were built from
         */
        public Snapshot(RouteTable table, Map<String, Upstream> upstreams, GatewayDefinition definition) {
            this(table, upstreams, definition, Map.of());
        }

        /**
         * @param participant the participant's class
         * @param <T>         what it prepares
         * @return what it prepared for this snapshot, or {@code null} when it is not a bean of this gateway
         */
        @SuppressWarnings("unchecked")
        public <T> T part(Class<? extends DefinitionParticipant<T>> participant) {
            Object part = parts.get(participant);
            if (part == null) {
                for (Map.Entry<Class<?>, Object> entry : parts.entrySet()) {
                    if (participant.isAssignableFrom(entry.getKey())) {
                        return (T) entry.getValue();
                    }
                }
            }
            return (T) part;
        }
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
    private final List<DefinitionParticipant<?>> participants;
    private final ApplicationEventPublisher<Swapped> publisher;
    private final AtomicLong versions = new AtomicLong();
    private volatile Snapshot current;

    GatewayState(DefinitionLoader loader, UpstreamRegistry registry, List<DefinitionParticipant<?>> participants,
                 ApplicationEventPublisher<Swapped> publisher) {
        this.loader = loader;
        this.registry = registry;
        this.participants = List.copyOf(participants);
        this.publisher = publisher;
        GatewayDefinition definition = loader.load();
        this.current = build(definition, prepare(definition));
        LOG.info("Route table v{} in force: {}{}", current.table().version(), describe(current),
            loader.file().map(f -> " (from " + f.toAbsolutePath() + ")").orElse(""));
    }

    /**
     * @return the snapshot in force
     */
    public Snapshot current() {
        return current;
    }

    /**
     * Loads every source again, validates the whole, prepares every participant's part, and swaps
     * the snapshot when all of it succeeded.
     *
     * @return the new snapshot
     * @throws DefinitionException when the sources are invalid or a participant refuses them; nothing changed
     */
    public synchronized Snapshot reload() {
        GatewayDefinition definition;
        Map<Class<?>, Object> parts;
        try {
            definition = loader.load();
            parts = prepare(definition);
        } catch (DefinitionException e) {
            LOG.error("Configuration change refused; nothing changed, route table v{} with its upstreams and consumers stays "
                + "in force.\n{}", current.table().version(), e.getMessage());
            throw e;
        }
        Snapshot next = build(definition, parts);
        current = next;
        LOG.info("Route table v{} in force: {}", next.table().version(), describe(next));
        publisher.publishEvent(new Swapped(next));
        return next;
    }

    /**
     * Validates the sources as {@link #reload()} would, participants included, without swapping.
     *
     * @return the definition the sources hold now
     * @throws DefinitionException when they are invalid
     */
    public GatewayDefinition validate() {
        return validate(loader.sources());
    }

    /**
     * Validates candidate sources as {@link #reload()} would, participants included, without
     * swapping: how the admin API checks a change before storing it.
     *
     * @param sources every source of the candidate definition, in order
     * @return the definition
     * @throws DefinitionException naming every problem
     */
    public GatewayDefinition validate(List<GatewayDefinition.Source> sources) {
        GatewayDefinition definition = GatewayDefinition.of(sources);
        prepare(definition);
        return definition;
    }

    /**
     * Every participant prepares its part; problems of all of them are reported together.
     * A participant that fails otherwise is reported as a problem of the definition too, since
     * the change cannot be applied whole.
     */
    private Map<Class<?>, Object> prepare(GatewayDefinition definition) {
        Map<Class<?>, Object> parts = new LinkedHashMap<>();
        List<DefinitionProblem> problems = new ArrayList<>();
        for (DefinitionParticipant<?> participant : participants) {
            try {
                parts.put(participant.getClass(), participant.prepare(definition));
            } catch (DefinitionException e) {
                problems.addAll(e.problems());
            } catch (RuntimeException e) {
                LOG.warn("{} could not prepare the definition", participant.getClass().getSimpleName(), e);
                problems.add(new DefinitionProblem(participant.getClass().getSimpleName(), "",
                    "could not take the change: " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new DefinitionException(problems);
        }
        return Map.copyOf(parts);
    }

    private Snapshot build(GatewayDefinition definition, Map<Class<?>, Object> parts) {
        Map<String, Upstream> upstreams = registry.reconcile(definition.upstreams());
        RouteTable table = new RouteTable(versions.incrementAndGet(), definition.routes(), definition.upstreams());
        return new Snapshot(table, upstreams, definition, parts);
    }

    private static String describe(Snapshot snapshot) {
        return snapshot.table().routes().size() + " routes, " + snapshot.upstreams().size() + " upstreams, "
            + snapshot.definition().consumers().size() + " consumers, " + snapshot.definition().plans().size() + " plans";
    }
}
