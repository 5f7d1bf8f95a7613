package io.gatehouse.upstream;

import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the live upstreams for a set of definitions, carrying over the state of every target that
 * stays (same upstream, same URL) so a reload does not forget health or in-flight counts.
 */
@Singleton
public class UpstreamRegistry {

    private Map<String, Upstream> current = Map.of();

    /**
     * @param definitions the upstream definitions now in force
     * @return the live upstreams by name
     */
    public synchronized Map<String, Upstream> reconcile(Map<String, UpstreamDefinition> definitions) {
        Map<String, TargetState> previous = new HashMap<>();
        current.values().forEach(u -> u.targets().forEach(t -> previous.put(u.name() + " " + t.url(), t)));
        Map<String, Upstream> next = new LinkedHashMap<>();
        definitions.forEach((name, definition) -> {
            List<TargetState> targets = new ArrayList<>();
            for (UpstreamDefinition.Target target : definition.targets()) {
                TargetState kept = previous.get(name + " " + target.url());
                targets.add(kept != null && kept.weight() == target.weight() ? kept : new TargetState(target));
            }
            next.put(name, new DefaultUpstream(definition, targets));
        });
        current = Map.copyOf(next);
        return current;
    }
}
