package io.gatehouse.admin;

import io.gatehouse.admin.AdminStore.Kind;
import io.gatehouse.identity.AdminCredentials;
import io.gatehouse.identity.AdminPrincipal;
import io.gatehouse.audit.Audited;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.List;
import java.util.Map;

/**
 * {@code /admin/routes}, {@code /admin/upstreams} and {@code /admin/plans}: list, read, create or replace, delete;
 * {@code POST /admin/reload}. The body of a {@code PUT} is one route or one upstream exactly as in
 * the declarative file, as JSON. Guarded by {@link AdminAuthenticationFilter}; see
 * {@code docs/admin-api.md}.
 */
@Controller(value = "/admin", produces = MediaType.APPLICATION_JSON)
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(beans = AdminService.class)
@Tag(name = "admin")
@SecurityRequirement(name = "adminToken")
final class AdminController {

    private final AdminService service;
    private final AdminCredentials credentials;

    AdminController(AdminService service, AdminCredentials credentials) {
        this.service = service;
        this.credentials = credentials;
    }

    @Get("/routes")
    @Operation(summary = "Routes in force", description = "Every route, with its source; admin routes carry their definition.")
    List<AdminObject> routes(HttpRequest<?> request) {
        return service.list(admin(request), Kind.ROUTE);
    }

    @Get("/routes/{id}")
    @Operation(summary = "One route in force")
    AdminObject route(HttpRequest<?> request, String id) {
        return service.get(admin(request), Kind.ROUTE, id);
    }

    @Put(value = "/routes/{id}", consumes = MediaType.APPLICATION_JSON)
    @Audited(value = "route.update", created = "route.create", target = "route:{id}")
    @Operation(summary = "Create or replace a route", description = "201 when created, 200 when replaced; 400 with "
        + "details.problems when invalid, 409 when the id is defined in the file or application configuration.")
    HttpResponse<AdminObject> putRoute(HttpRequest<?> request, String id, @Body Map<String, Object> body) {
        return put(admin(request), Kind.ROUTE, id, body);
    }

    @Delete("/routes/{id}")
    @Audited(value = "route.delete", target = "route:{id}")
    @Operation(summary = "Delete a route")
    HttpResponse<Void> deleteRoute(HttpRequest<?> request, String id) {
        service.delete(admin(request), Kind.ROUTE, id);
        return HttpResponse.noContent();
    }

    @Get("/upstreams")
    @Operation(summary = "Upstreams in force", description = "Every upstream, by name, with its source.")
    List<AdminObject> upstreams(HttpRequest<?> request) {
        return service.list(admin(request), Kind.UPSTREAM);
    }

    @Get("/upstreams/{id}")
    @Operation(summary = "One upstream in force")
    AdminObject upstream(HttpRequest<?> request, String id) {
        return service.get(admin(request), Kind.UPSTREAM, id);
    }

    @Put(value = "/upstreams/{id}", consumes = MediaType.APPLICATION_JSON)
    @Audited(value = "upstream.update", created = "upstream.create", target = "upstream:{id}")
    @Operation(summary = "Create or replace an upstream")
    HttpResponse<AdminObject> putUpstream(HttpRequest<?> request, String id, @Body Map<String, Object> body) {
        return put(admin(request), Kind.UPSTREAM, id, body);
    }

    @Delete("/upstreams/{id}")
    @Audited(value = "upstream.delete", target = "upstream:{id}")
    @Operation(summary = "Delete an upstream", description = "409 with the route ids while routes use it.")
    HttpResponse<Void> deleteUpstream(HttpRequest<?> request, String id) {
        service.delete(admin(request), Kind.UPSTREAM, id);
        return HttpResponse.noContent();
    }

    @Get("/plans")
    @Operation(summary = "Plans in force", description = "Every rate-limit plan, by name, with its source; admin plans carry their "
        + "definition. See docs/limits.md.")
    List<AdminObject> plans(HttpRequest<?> request) {
        return service.list(admin(request), Kind.PLAN);
    }

    @Get("/plans/{id}")
    @Operation(summary = "One plan in force")
    AdminObject plan(HttpRequest<?> request, String id) {
        return service.get(admin(request), Kind.PLAN, id);
    }

    @Put(value = "/plans/{id}", consumes = MediaType.APPLICATION_JSON)
    @Audited(value = "plan.update", created = "plan.create", target = "plan:{id}")
    @Operation(summary = "Create or replace a plan", description = "The body is one plan as in the declarative file: "
        + "{\"limits\": [{\"requests\": 1000, \"per\": \"minute\"}]}. It applies at once to every consumer and caller "
        + "of the plan, without restart; 400 with details.problems naming each bad key; global administrator only.")
    HttpResponse<AdminObject> putPlan(HttpRequest<?> request, String id, @Body Map<String, Object> body) {
        return put(admin(request), Kind.PLAN, id, body);
    }

    @Delete("/plans/{id}")
    @Audited(value = "plan.delete", target = "plan:{id}")
    @Operation(summary = "Delete a plan", description = "400 while a route, a declared consumer or plans-by names it.")
    HttpResponse<Void> deletePlan(HttpRequest<?> request, String id) {
        service.delete(admin(request), Kind.PLAN, id);
        return HttpResponse.noContent();
    }

    @Post("/reload")
    @Audited("definition.reload")
    @Operation(summary = "Reload every source", description = "Reads the file, the configuration and the store again "
        + "and swaps the table; 400 with details.problems when invalid, and the table in force stays.")
    ReloadResult reload(HttpRequest<?> request) {
        return service.reload(admin(request));
    }

    /** The administrator the filter admitted (and kept on the request). */
    private AdminPrincipal admin(HttpRequest<?> request) {
        return credentials.require(request);
    }

    private HttpResponse<AdminObject> put(AdminPrincipal admin, Kind kind, String id, Map<String, Object> body) {
        AdminService.Put result = service.put(admin, kind, id, body);
        return HttpResponse.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK).body(result.object());
    }
}
