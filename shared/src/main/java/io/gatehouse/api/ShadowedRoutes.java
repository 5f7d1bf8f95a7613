package io.gatehouse.api;

import io.gatehouse.definition.GatewayState;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RouteDefinition;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Internal;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Says, when a definition comes into force (at start-up, on every reload of the file and after
 * every admin write), which routes have a path pattern that matches paths the gateway owns: those
 * requests are answered by the gateway and never reach the route's upstream. Each such route is
 * named in one warning with its pattern and the owned paths it loses (a legacy alias among them
 * with the switch that gives it up), once, and again only when what it loses changes. The admin
 * API shows the same list on the route ({@code unreachable_paths}). Nothing is refused: a
 * catch-all {@code /**} is a legitimate setup.
 */
@Singleton
@Internal
public final class ShadowedRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowedRoutes.class);

    private final OwnedPaths ownedPaths;
    private final GatewayState state;
    private final Map<String, List<String>> reported = new HashMap<>();

    ShadowedRoutes(OwnedPaths ownedPaths, GatewayState state) {
        this.ownedPaths = ownedPaths;
        this.state = state;
    }

    /**
     * @param route a route definition
     * @return the owned paths it cannot reach, sorted; empty when none
     */
    public List<String> unreachable(RouteDefinition route) {
        return ownedPaths.shadowedBy(route.match().path());
    }

    @EventListener
    void onStartup(StartupEvent event) {
        report(state.current());
    }

    @EventListener
    void onSwap(GatewayState.Swapped swapped) {
        report(swapped.snapshot());
    }

    private synchronized void report(GatewayState.Snapshot snapshot) {
        Map<String, List<String>> now = new HashMap<>();
        for (CompiledRoute route : snapshot.table().routes()) {
            RouteDefinition definition = route.definition();
            List<String> lost = unreachable(definition);
            if (lost.isEmpty()) {
                continue;
            }
            String key = definition.id() + " " + definition.match().path();
            now.put(key, lost);
            if (!lost.equals(reported.get(key))) {
                LOG.warn(message(definition, lost));
            }
        }
        reported.clear();
        reported.putAll(now);
    }

    /**
     * @param route the route
     * @param lost  the owned paths it cannot reach
     * @return the warning that names them
     */
    static String message(RouteDefinition route, List<String> lost) {
        StringBuilder out = new StringBuilder("Route '").append(route.id()).append("' with path ").append(route.match().path())
            .append(", defined in ").append(route.source()).append(", cannot reach ").append(lost.size())
            .append(lost.size() == 1 ? " path" : " paths").append(" the gateway owns, which it answers itself and never proxies: ")
            .append(String.join(", ", lost)).append('.');
        Map<String, String> aliases = LegacyAliasesConfiguration.SWITCHES;
        List<String> switches = lost.stream().filter(aliases::containsKey)
            .map(p -> p + " is a legacy alias, given up with " + aliases.get(p) + "=false").toList();
        if (!switches.isEmpty()) {
            out.append(' ').append(String.join("; ", switches)).append('.');
        }
        return out.toString();
    }
}
