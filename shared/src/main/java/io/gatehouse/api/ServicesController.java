package io.gatehouse.api;

import io.gatehouse.admin.TenantOwnership;
import io.gatehouse.definition.GatewayState;
import io.gatehouse.identity.AdminCredentials;
import io.gatehouse.identity.AdminPrincipal;
import io.gatehouse.security.RoutePolicy;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RouteDefinition;
import io.gatehouse.route.ValueMatcher;
import io.gatehouse.upstream.TargetState;
import io.gatehouse.upstream.Upstream;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
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
 *
 * <p>Routes and upstreams a tenant owns ({@link TenantOwnership}) are listed only to an
 * administrator who reaches them: the global admin token, or that tenant's administrators. Anyone
 * else, including a caller without a credential, sees the global ones only; with
 * {@code gateway.services.require-admin} such callers are refused as the admin API refuses them.
 */
@Controller
@Tag(name = "operations")
final class ServicesController {

    private final GatewayState state;
    private final AdminCredentials credentials;
    private final TenantOwnership ownership;
    private final ServicesConfiguration configuration;

    ServicesController(GatewayState state, AdminCredentials credentials, @Nullable TenantOwnership ownership,
                       ServicesConfiguration configuration) {
        this.state = state;
        this.credentials = credentials;
        this.ownership = ownership;
        this.configuration = configuration;
    }

    @Get(value = "/v1/services", produces = MediaType.APPLICATION_JSON)
    @Operation(operationId = "getServices", summary = "Routes and upstream health",
        description = "The routes in force in priority order (id, matchers, upstream, streaming and WebSocket flags, "
            + "where each was defined) and each upstream's targets with their live status (healthy, unhealthy, ejected), "
            + "requests in flight and the circuit breaker's state. Objects a tenant owns are listed only with an admin "
            + "credential that reaches that tenant. The credential is optional: without one (or with one that is no admin "
            + "credential) the global objects are listed, unless gateway.services.require-admin is set, which refuses such "
            + "callers with the admin API's 401, 403 and 404.")
    @SecurityRequirement(name = OpenApiRefs.ADMIN_TOKEN)
    @SecurityRequirement(name = OpenApiRefs.BEARER_JWT)
    @SecurityRequirement(name = OpenApiRefs.OAUTH2)
    @SecurityRequirement(name = OpenApiRefs.SESSION_COOKIE)
    @ApiResponse(responseCode = "200", description = "the snapshot in force", content = @Content(
        schema = @Schema(implementation = ServicesReport.class),
        examples = @ExampleObject(name = "services", ref = OpenApiRefs.EXAMPLES + "Services")))
    @ApiResponse(responseCode = "401", ref = OpenApiRefs.ADMIN_UNAUTHORIZED)
    @ApiResponse(responseCode = "403", ref = OpenApiRefs.ADMIN_FORBIDDEN)
    @ApiResponse(responseCode = "404", ref = OpenApiRefs.ADMIN_NOT_FOUND)
    ServicesReport services(HttpRequest<?> request) {
        GatewayState.Snapshot snapshot = state.current();
        AdminPrincipal admin = configuration.isRequireAdmin() ? credentials.require(request)
            : credentials.authenticate(request).principal();
        Map<String, String> routeOwners = ownership != null ? ownership.routes() : literalTenants(snapshot);
        Map<String, String> upstreamOwners = ownership != null ? ownership.upstreams() : Map.of();
        List<ServicesReport.Route> routes = new ArrayList<>();
        for (CompiledRoute route : snapshot.table().routes()) {
            RouteDefinition d = route.definition();
            if (!visible(admin, routeOwners.get(d.id()))) {
                continue;
            }
            RouteDefinition.Match m = d.match();
            routes.add(new ServicesReport.Route(d.id(),
                new ServicesReport.Match(m.path().toString(), m.hosts(), List.copyOf(new TreeSet<>(m.methods())),
                    notation(m.headers()), notation(m.query())),
                d.priority(), d.upstream(), d.streaming(), d.websocket(), d.source()));
        }
        List<ServicesReport.Upstream> upstreams = new ArrayList<>();
        for (Upstream upstream : snapshot.upstreams().values()) {
            if (!visible(admin, upstreamOwners.get(upstream.name()))) {
                continue;
            }
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

    private static boolean visible(@Nullable AdminPrincipal admin, @Nullable String owner) {
        return owner == null || admin != null && admin.reaches(owner);
    }

    /** Owners when there is no admin API: the file's routes whose {@code tenant} names one tenant. */
    private static Map<String, String> literalTenants(GatewayState.Snapshot snapshot) {
        Map<String, String> owners = new java.util.HashMap<>();
        for (CompiledRoute route : snapshot.table().routes()) {
            String tenant = RoutePolicy.of(route.definition()).literalTenant();
            if (tenant != null) {
                owners.put(route.definition().id(), tenant);
            }
        }
        return owners;
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
