package io.gatehouse.upstream;

import io.gatehouse.definition.GatewayState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Micrometer gauges per target, following reloads:
 * {@value #OUTSTANDING} (requests in flight) and {@value #HEALTHY} (1 while the target may receive
 * traffic: healthy by its checks and not ejected; 0 otherwise), tagged {@code upstream} and
 * {@code target} (the URL); and per upstream whose breaker is enabled, {@value #CIRCUIT} tagged
 * {@code upstream} and {@code state} ({@code closed}, {@code open}, {@code half_open}): 1 for the
 * state the breaker is in, 0 for the others. Where an engine pools its own connections
 * ({@link ConnectionPools}), the SSO gateway's {@value #POOL_SIZE} and {@value #POOL_AVAILABLE} per
 * target, tagged {@code pool} (the upstream) and {@code target}. Gauges of targets and upstreams
 * that leave are removed.
 */
@Context
@Internal
@Requires(beans = MeterRegistry.class)
final class UpstreamMetrics implements ApplicationEventListener<GatewayState.Swapped> {

    /** Gauge of requests in flight to a target. */
    static final String OUTSTANDING = "gatehouse.upstream.target.outstanding";

    /** Gauge: 1 while a target is available, 0 while unhealthy or ejected. */
    static final String HEALTHY = "gatehouse.upstream.target.healthy";

    /** Gauge per upstream and breaker state: 1 for the state it is in. */
    static final String CIRCUIT = "gatehouse.upstream.circuit.breaker.state";

    /** Gauge per target: connections open (busy and idle), the SSO gateway's {@code connection_pool_size}. */
    static final String POOL_SIZE = "connection.pool.size";

    /** Gauge per target: idle connections ready for a request, {@code connection_pool_available}. */
    static final String POOL_AVAILABLE = "connection.pool.available";

    private static final String[] CIRCUIT_STATES = {"closed", "open", "half_open"};

    private final MeterRegistry registry;
    private final boolean pools;
    /** Each registered gauge and what it reads: a target's state, or an upstream. */
    private final Map<Meter.Id, Object> registered = new HashMap<>();

    UpstreamMetrics(MeterRegistry registry, GatewayState state, Optional<ConnectionPools> pools) {
        this.registry = registry;
        this.pools = pools.isPresent();
        register(state.current().upstreams());
    }

    @Override
    public void onApplicationEvent(GatewayState.Swapped event) {
        register(event.snapshot().upstreams());
    }

    private synchronized void register(Map<String, Upstream> upstreams) {
        Map<Meter.Id, Object> wanted = new HashMap<>();
        for (Upstream upstream : upstreams.values()) {
            if (!"disabled".equals(upstream.circuitState())) {
                for (String circuitState : CIRCUIT_STATES) {
                    wanted.put(new Meter.Id(CIRCUIT, Tags.of("upstream", upstream.name(), "state", circuitState), null, null,
                        Meter.Type.GAUGE), upstream);
                }
            }
            for (TargetState target : upstream.targets()) {
                String[] tags = {"upstream", upstream.name(), "target", target.url().toString()};
                wanted.put(new Meter.Id(OUTSTANDING, Tags.of(tags), null, null, Meter.Type.GAUGE), target);
                wanted.put(new Meter.Id(HEALTHY, Tags.of(tags), null, null, Meter.Type.GAUGE), target);
                if (pools) {
                    Tags pool = Tags.of("pool", upstream.name(), "target", target.url().toString());
                    wanted.put(new Meter.Id(POOL_SIZE, pool, null, null, Meter.Type.GAUGE), target);
                    wanted.put(new Meter.Id(POOL_AVAILABLE, pool, null, null, Meter.Type.GAUGE), target);
                }
            }
        }
        registered.entrySet().removeIf(e -> {
            if (wanted.get(e.getKey()) != e.getValue()) {
                registry.remove(e.getKey());
                return true;
            }
            return false;
        });
        wanted.forEach((id, source) -> {
            if (registered.containsKey(id)) {
                return;
            }
            Gauge.Builder<?> builder;
            if (source instanceof Upstream upstream) {
                String circuitState = id.getTag("state");
                builder = Gauge.builder(CIRCUIT, upstream, u -> circuitState.equals(u.circuitState()) ? 1 : 0)
                    .description("1 for the state an upstream's circuit breaker is in (closed, open, half_open), else 0");
            } else if (id.getName().equals(POOL_SIZE)) {
                builder = Gauge.builder(POOL_SIZE, (TargetState) source, TargetState::connections)
                    .description("Connections open to an upstream target, busy and idle");
            } else if (id.getName().equals(POOL_AVAILABLE)) {
                builder = Gauge.builder(POOL_AVAILABLE, (TargetState) source, TargetState::idleConnections)
                    .description("Idle connections to an upstream target, ready for a request");
            } else if (id.getName().equals(OUTSTANDING)) {
                builder = Gauge.builder(OUTSTANDING, (TargetState) source, TargetState::outstanding)
                    .description("Requests in flight to an upstream target");
            } else {
                builder = Gauge.builder(HEALTHY, (TargetState) source, t -> t.available(System.nanoTime()) ? 1 : 0)
                    .description("1 while an upstream target is healthy and not ejected, else 0");
            }
            builder.tags(id.getTags()).strongReference(true).register(registry);
            registered.put(id, source);
        });
    }
}
