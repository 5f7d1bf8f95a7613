package io.gatehouse.api;

import io.gatehouse.definition.GatewayState;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RouteDefinition;
import io.gatehouse.route.ValueMatcher;
import io.gatehouse.upstream.TargetState;
import io.gatehouse.upstream.Upstream;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code GET /v1/services}: the routes in force (in the order they are tried) and, for every
 * upstream, its targets' live status, requests in flight and the circuit breaker's state. It reads
 * one snapshot, so routes and upstreams always belong together.
 */
@Controller
@Tag(name = "operations")
final class ServicesController {

    private final GatewayState state;

    ServicesController(GatewayState state) {
        this.state = state;
    }

    @Get(value = "/v1/services", produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "Routes and upstream health",
        description = "The routes in force in priority order (id, matchers, upstream, streaming and WebSocket flags, "
            + "where each was defined) and each upstream's targets with their live status (healthy, unhealthy, ejected), "
            + "requests in flight and the circuit breaker's state.")
    @ApiResponse(responseCode = "200", description = "the snapshot in force",
        content = @Content(schema = @Schema(implementation = ServicesReport.class)))
    ServicesReport services() {
        GatewayState.Snapshot snapshot = state.current();
        List<ServicesReport.Route> routes = new ArrayList<>();
        for (CompiledRoute route : snapshot.table().routes()) {
            RouteDefinition d = route.definition();
            RouteDefinition.Match m = d.match();
            routes.add(new ServicesReport.Route(d.id(),
                new ServicesReport.Match(m.path().toString(), m.hosts(), List.copyOf(new TreeSet<>(m.methods())),
                    notation(m.headers()), notation(m.query())),
                d.priority(), d.upstream(), d.streaming(), d.websocket(), d.source()));
        }
        List<ServicesReport.Upstream> upstreams = new ArrayList<>();
        for (Upstream upstream : snapshot.upstreams().values()) {
            List<ServicesReport.Target> targets = new ArrayList<>();
            for (TargetState target : upstream.targets()) {
                targets.add(new ServicesReport.Target(target.url().toString(), target.weight(), target.status(),
                    target.outstanding()));
            }
            upstreams.add(new ServicesReport.Upstream(upstream.name(),
                upstream.definition().loadBalancer().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                upstream.circuitState(), targets));
        }
        upstreams.sort(java.util.Comparator.comparing(ServicesReport.Upstream::name));
        return new ServicesReport(snapshot.table().version(), routes, upstreams);
    }

    private static Map<String, String> notation(Map<String, ValueMatcher> matchers) {
        Map<String, String> out = new LinkedHashMap<>();
        matchers.forEach((name, matcher) -> out.put(name, switch (matcher) {
            case ValueMatcher.Present p -> "*";
            case ValueMatcher.Regex r -> "~" + r.pattern().pattern();
            case ValueMatcher.Equals e -> e.expected();
        }));
        return out;
    }
}
