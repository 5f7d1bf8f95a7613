package io.gatehouse.api;

import io.gatehouse.observability.health.HealthReport;
import io.gatehouse.observability.health.HealthService;
import io.gatehouse.observability.health.HealthStatus;
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
 */
@Controller
@Tag(name = "operations")
final class HealthController {

    private final HealthService healthService;

    HealthController(HealthService healthService) {
        this.healthService = healthService;
    }

    @Get(value = "/v1/health", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(operationId = "getHealth", summary = "Gateway health", description = "ok, degraded (an optional dependency fails) or "
        + "down (a critical one does, 503); each check with its status and latency. Public: for readiness probes.")
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
}
