package io.gatehouse.admin;

import io.gatehouse.admin.AdminStore.Kind;
import io.gatehouse.api.AdminOperation;
import io.gatehouse.api.GlobalAdminOperation;
import io.gatehouse.api.OpenApiRefs;
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
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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
final class AdminController {

    private static final String ROUTE_ID = "the route's id";
    private static final String UPSTREAM_NAME = "the upstream's name";
    private static final String PLAN_NAME = "the plan's name";

    private final AdminService service;
    private final AdminCredentials credentials;

    AdminController(AdminService service, AdminCredentials credentials) {
        this.service = service;
        this.credentials = credentials;
    }

    @Get("/routes")
    @AdminOperation
    @Operation(operationId = "listRoutes", summary = "Routes in force", description = "Every route, with its source; admin "
        + "routes carry their definition. A tenant administrator sees global routes and its tenant's.")
    @ApiResponse(responseCode = "200", description = "the routes", content = @Content(
        array = @ArraySchema(schema = @Schema(implementation = AdminObject.class)),
        examples = @ExampleObject(name = "routes", ref = OpenApiRefs.EXAMPLES + "RouteList")))
    List<AdminObject> routes(HttpRequest<?> request) {
        return service.list(admin(request), Kind.ROUTE);
    }

    @Get("/routes/{id}")
    @AdminOperation
    @Operation(operationId = "getRoute", summary = "One route in force")
    @ApiResponse(responseCode = "200", description = "the route", content = @Content(schema = @Schema(implementation = AdminObject.class),
        examples = @ExampleObject(name = "route", ref = OpenApiRefs.EXAMPLES + "Route")))
    AdminObject route(HttpRequest<?> request, @Parameter(description = ROUTE_ID, example = "orders") String id) {
        return service.get(admin(request), Kind.ROUTE, id);
    }

    @Put(value = "/routes/{id}", consumes = MediaType.APPLICATION_JSON)
    @Audited(value = "route.update", created = "route.create", target = "route:{id}")
    @AdminOperation
    @Operation(operationId = "putRoute", summary = "Create or replace a route", description = "201 when created, 200 when "
        + "replaced; 400 with details.problems when invalid, 409 when the id is defined in the file or application configuration.")
    @ApiResponse(responseCode = "200", description = "replaced", content = @Content(schema = @Schema(implementation = AdminObject.class),
        examples = @ExampleObject(name = "route", ref = OpenApiRefs.EXAMPLES + "Route")))
    @ApiResponse(responseCode = "201", description = "created", content = @Content(schema = @Schema(implementation = AdminObject.class),
        examples = @ExampleObject(name = "route", ref = OpenApiRefs.EXAMPLES + "Route")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_DEFINITION)
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    HttpResponse<AdminObject> putRoute(HttpRequest<?> request, @Parameter(description = ROUTE_ID, example = "orders") String id,
                                       @RequestBody(required = true, content = @Content(
                                           schema = @Schema(ref = "#/components/schemas/RouteDefinition"),
                                           examples = @ExampleObject(name = "route", ref = OpenApiRefs.EXAMPLES + "RouteRequest")))
                                       @Body Map<String, Object> body) {
        return put(admin(request), Kind.ROUTE, id, body);
    }

    @Delete("/routes/{id}")
    @Audited(value = "route.delete", target = "route:{id}")
    @AdminOperation
    @Operation(operationId = "deleteRoute", summary = "Delete a route", description = "409 when it is defined in the file or "
        + "application configuration.")
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    HttpResponse<Void> deleteRoute(HttpRequest<?> request, @Parameter(description = ROUTE_ID, example = "orders") String id) {
        service.delete(admin(request), Kind.ROUTE, id);
        return HttpResponse.noContent();
    }

    @Get("/upstreams")
    @AdminOperation
    @Operation(operationId = "listUpstreams", summary = "Upstreams in force", description = "Every upstream, by name, with its "
        + "source. A tenant administrator sees global upstreams and its tenant's.")
    @ApiResponse(responseCode = "200", description = "the upstreams", content = @Content(
        array = @ArraySchema(schema = @Schema(implementation = AdminObject.class)),
        examples = @ExampleObject(name = "upstreams", ref = OpenApiRefs.EXAMPLES + "UpstreamList")))
    List<AdminObject> upstreams(HttpRequest<?> request) {
        return service.list(admin(request), Kind.UPSTREAM);
    }

    @Get("/upstreams/{id}")
    @AdminOperation
    @Operation(operationId = "getUpstream", summary = "One upstream in force")
    @ApiResponse(responseCode = "200", description = "the upstream", content = @Content(schema = @Schema(implementation = AdminObject.class),
        examples = @ExampleObject(name = "upstream", ref = OpenApiRefs.EXAMPLES + "Upstream")))
    AdminObject upstream(HttpRequest<?> request, @Parameter(description = UPSTREAM_NAME, example = "orders") String id) {
        return service.get(admin(request), Kind.UPSTREAM, id);
    }

    @Put(value = "/upstreams/{id}", consumes = MediaType.APPLICATION_JSON)
    @Audited(value = "upstream.update", created = "upstream.create", target = "upstream:{id}")
    @AdminOperation
    @Operation(operationId = "putUpstream", summary = "Create or replace an upstream", description = "201 when created, 200 when "
        + "replaced; 400 with details.problems when invalid, 409 when the name is defined in the file or application configuration.")
    @ApiResponse(responseCode = "200", description = "replaced", content = @Content(schema = @Schema(implementation = AdminObject.class),
        examples = @ExampleObject(name = "upstream", ref = OpenApiRefs.EXAMPLES + "Upstream")))
    @ApiResponse(responseCode = "201", description = "created", content = @Content(schema = @Schema(implementation = AdminObject.class),
        examples = @ExampleObject(name = "upstream", ref = OpenApiRefs.EXAMPLES + "Upstream")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_DEFINITION)
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    HttpResponse<AdminObject> putUpstream(HttpRequest<?> request, @Parameter(description = UPSTREAM_NAME, example = "orders") String id,
                                          @RequestBody(required = true, content = @Content(
                                              schema = @Schema(ref = "#/components/schemas/UpstreamDefinition"),
                                              examples = @ExampleObject(name = "upstream", ref = OpenApiRefs.EXAMPLES + "UpstreamRequest")))
                                          @Body Map<String, Object> body) {
        return put(admin(request), Kind.UPSTREAM, id, body);
    }

    @Delete("/upstreams/{id}")
    @Audited(value = "upstream.delete", target = "upstream:{id}")
    @AdminOperation
    @Operation(operationId = "deleteUpstream", summary = "Delete an upstream", description = "409 with the route ids while routes "
        + "use it, or when it is defined in the file or application configuration.")
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    HttpResponse<Void> deleteUpstream(HttpRequest<?> request, @Parameter(description = UPSTREAM_NAME, example = "orders") String id) {
        service.delete(admin(request), Kind.UPSTREAM, id);
        return HttpResponse.noContent();
    }

    @Get("/plans")
    @AdminOperation
    @Operation(operationId = "listPlans", summary = "Plans in force", description = "Every rate-limit plan, by name, with its "
        + "source; admin plans carry their definition. See docs/limits.md.")
    @ApiResponse(responseCode = "200", description = "the plans", content = @Content(
        array = @ArraySchema(schema = @Schema(implementation = AdminObject.class)),
        examples = @ExampleObject(name = "plans", ref = OpenApiRefs.EXAMPLES + "PlanList")))
    List<AdminObject> plans(HttpRequest<?> request) {
        return service.list(admin(request), Kind.PLAN);
    }

    @Get("/plans/{id}")
    @AdminOperation
    @Operation(operationId = "getPlan", summary = "One plan in force")
    @ApiResponse(responseCode = "200", description = "the plan", content = @Content(schema = @Schema(implementation = AdminObject.class),
        examples = @ExampleObject(name = "plan", ref = OpenApiRefs.EXAMPLES + "Plan")))
    AdminObject plan(HttpRequest<?> request, @Parameter(description = PLAN_NAME, example = "gold") String id) {
        return service.get(admin(request), Kind.PLAN, id);
    }

    @Put(value = "/plans/{id}", consumes = MediaType.APPLICATION_JSON)
    @Audited(value = "plan.update", created = "plan.create", target = "plan:{id}")
    @GlobalAdminOperation
    @Operation(operationId = "putPlan", summary = "Create or replace a plan", description = "The body is one plan as in the "
        + "declarative file. It applies at once to every consumer and caller of the plan, without restart; 201 when created, "
        + "200 when replaced; 400 with details.problems naming each bad key; global administrator only.")
    @ApiResponse(responseCode = "200", description = "replaced", content = @Content(schema = @Schema(implementation = AdminObject.class),
        examples = @ExampleObject(name = "plan", ref = OpenApiRefs.EXAMPLES + "Plan")))
    @ApiResponse(responseCode = "201", description = "created", content = @Content(schema = @Schema(implementation = AdminObject.class),
        examples = @ExampleObject(name = "plan", ref = OpenApiRefs.EXAMPLES + "Plan")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_DEFINITION)
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    HttpResponse<AdminObject> putPlan(HttpRequest<?> request, @Parameter(description = PLAN_NAME, example = "gold") String id,
                                      @RequestBody(required = true, content = @Content(
                                          schema = @Schema(ref = "#/components/schemas/PlanDefinition"),
                                          examples = @ExampleObject(name = "plan", ref = OpenApiRefs.EXAMPLES + "PlanRequest")))
                                      @Body Map<String, Object> body) {
        return put(admin(request), Kind.PLAN, id, body);
    }

    @Delete("/plans/{id}")
    @Audited(value = "plan.delete", target = "plan:{id}")
    @GlobalAdminOperation
    @Operation(operationId = "deletePlan", summary = "Delete a plan", description = "400 while a route, a declared consumer or "
        + "plans-by names it, 409 while a consumer of the admin API has it; global administrator only.")
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_DEFINITION)
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    HttpResponse<Void> deletePlan(HttpRequest<?> request, @Parameter(description = PLAN_NAME, example = "gold") String id) {
        service.delete(admin(request), Kind.PLAN, id);
        return HttpResponse.noContent();
    }

    @Post("/reload")
    @Audited("definition.reload")
    @GlobalAdminOperation
    @Operation(operationId = "reload", summary = "Reload every source", description = "Reads the file, the configuration and the "
        + "store again and swaps the table; 400 with details.problems when invalid, and the table in force stays; global "
        + "administrator only.")
    @ApiResponse(responseCode = "200", description = "the table now in force", content = @Content(
        schema = @Schema(implementation = ReloadResult.class),
        examples = @ExampleObject(name = "reloaded", ref = OpenApiRefs.EXAMPLES + "ReloadResult")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_DEFINITION)
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
