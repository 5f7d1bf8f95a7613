package io.gatehouse.upstream;

import io.gatehouse.observability.GatewayMetrics;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the live upstreams for a set of definitions, carrying over what a reload should not forget:
 * <ul>
 *   <li>an upstream whose definition is unchanged is kept whole (balancing state and breaker included);</li>
 *   <li>otherwise every target that stays (same upstream, same URL, same weight) keeps its state:
 *       in-flight count, active health, ejection;</li>
 *   <li>and the circuit breaker is kept when its settings are unchanged.</li>
 * </ul>
 * A new target gets its meters ({@link GatewayMetrics#target}) before it can be selected.
 */
@Singleton
public class UpstreamRegistry {

    private final @Nullable GatewayMetrics metrics;
    private Map<String, Upstream> current = Map.of();

    /**
     * A registry whose targets count into no meters.
     */
    public UpstreamRegistry() {
        this(null);
    }

    /**
     * @param metrics the gateway's meters, or {@code null} for none
     */
    @Inject
    public UpstreamRegistry(@Nullable GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * @param definitions the upstream definitions now in force
     * @return the live upstreams by name, in the order of the definitions
     */
    public synchronized Map<String, Upstream> reconcile(Map<String, UpstreamDefinition> definitions) {
        Map<String, TargetState> previous = new HashMap<>();
        current.values().forEach(u -> u.targets().forEach(t -> previous.put(u.name() + " " + t.url(), t)));
        Map<String, Upstream> next = new LinkedHashMap<>();
        definitions.forEach((name, definition) -> {
            Upstream before = current.get(name);
            if (before != null && before.definition().equals(definition)) {
                next.put(name, before);
                return;
            }
            List<TargetState> targets = new ArrayList<>();
            for (UpstreamDefinition.Target target : definition.targets()) {
                TargetState kept = previous.get(name + " " + target.url());
                if (kept != null && kept.weight() == target.weight()) {
                    targets.add(kept);
                } else {
                    TargetState created = new TargetState(target);
                    if (metrics != null) {
                        created.meters(metrics.target(name, created.toString()));
                    }
                    targets.add(created);
                }
            }
            UpstreamCircuitBreaker breaker = before instanceof DefaultUpstream d
                && d.breaker() != UpstreamCircuitBreaker.DISABLED
                && Objects.equals(d.breaker().settings(), definition.circuitBreaker())
                ? d.breaker()
                : UpstreamCircuitBreaker.of(name, definition.circuitBreaker());
            next.put(name, new DefaultUpstream(definition, targets, breaker, metrics == null ? null : metrics.retries(name)));
        });
        current = java.util.Collections.unmodifiableMap(next);
        return current;
    }
}
