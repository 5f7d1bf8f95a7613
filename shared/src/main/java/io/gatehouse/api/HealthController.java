package io.gatehouse.api;

import io.gatehouse.observability.health.HealthReport;
import io.gatehouse.observability.health.HealthService;
import io.gatehouse.observability.health.HealthStatus;
import io.gatehouse.observability.health.ProbeReport;
import io.gatehouse.runtime.Readiness;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * {@code GET /v1/health}: the status of the gateway and of each dependency it is configured with.
 * {@code GET /health} is its legacy alias ({@link LegacyHealthController}).
 *
 * <p>And the two probes, which call no dependency: {@code GET /v1/health/ready} (200 while the
 * instance takes traffic, 503 from the start of its shutdown: see {@link Readiness}) and
 * {@code GET /v1/health/live} (200 while the process answers, draining included).
 */
@Controller
@Tag(name = "operations")
final class HealthController {

    private final HealthService healthService;
    private final Readiness readiness;

    HealthController(HealthService healthService, Readiness readiness) {
        this.healthService = healthService;
        this.readiness = readiness;
    }

    @Get(value = "/v1/health", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(operationId = "getHealth", summary = "Gateway health", description = "ok, degraded (an optional dependency fails) or "
        + "down (a critical one does, 503); each check with its status and latency. Public: the report to watch and alert on.")
    @ApiResponse(responseCode = "200", description = "ok or degraded", content = @Content(schema = @Schema(implementation = HealthReport.class),
        examples = {@ExampleObject(name = "ok", ref = OpenApiRefs.EXAMPLES + "HealthOk"),
            @ExampleObject(name = "degraded", ref = OpenApiRefs.EXAMPLES + "HealthDegraded")}))
    @ApiResponse(responseCode = "503", description = "down: a critical check failed", content = @Content(
        schema = @Schema(implementation = HealthReport.class), examples = @ExampleObject(name = "down", ref = OpenApiRefs.EXAMPLES + "HealthDown")))
    HttpResponse<HealthReport> health() {
        HealthReport report = healthService.report();
        HttpStatus status = report.status() == HealthStatus.DOWN ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK;
        return HttpResponse.status(status).body(report);
    }

    @Get(value = "/v1/health/ready", produces = MediaType.APPLICATION_JSON)
    @Operation(operationId = "getReadiness", summary = "Readiness probe", description = "200 while this instance takes traffic; 503 "
        + "from the moment its shutdown begins (it keeps answering the requests in flight). Calls no dependency: /v1/health reports "
        + "those. Public: for load balancers and orchestrators.")
    @ApiResponse(responseCode = "200", description = "ready", content = @Content(schema = @Schema(implementation = ProbeReport.class),
        examples = @ExampleObject(name = "ready", ref = OpenApiRefs.EXAMPLES + "ProbeOk")))
    @ApiResponse(responseCode = "503", description = "draining", content = @Content(schema = @Schema(implementation = ProbeReport.class),
        examples = @ExampleObject(name = "draining", ref = OpenApiRefs.EXAMPLES + "ProbeDraining")))
    HttpResponse<ProbeReport> ready() {
        ProbeReport report = probe();
        return HttpResponse.status(readiness.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(report);
    }

    @Get(value = "/v1/health/live", produces = MediaType.APPLICATION_JSON)
    @Operation(operationId = "getLiveness", summary = "Liveness probe", description = "200 while the process answers, draining "
        + "included (status says which). Calls no dependency. Public: for orchestrators.")
    @ApiResponse(responseCode = "200", description = "alive", content = @Content(schema = @Schema(implementation = ProbeReport.class),
        examples = {@ExampleObject(name = "alive", ref = OpenApiRefs.EXAMPLES + "ProbeOk"),
            @ExampleObject(name = "draining", ref = OpenApiRefs.EXAMPLES + "ProbeDraining")}))
    HttpResponse<ProbeReport> live() {
        return HttpResponse.ok(probe());
    }

    private ProbeReport probe() {
        var since = readiness.drainingSince();
        return since == null ? ProbeReport.OK : new ProbeReport("draining", since.toString());
    }
}
