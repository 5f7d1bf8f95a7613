package io.gatehouse.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * {@code GET /metrics}: every meter in Prometheus' text exposition format.
 */
@Controller
@Tag(name = "operations")
@Requires(beans = PrometheusMeterRegistry.class)
final class MetricsController {

    /** Prometheus' text exposition format, version 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    MetricsController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Get("/metrics")
    @Produces(PROMETHEUS_TEXT)
    @Operation(operationId = "getMetrics", summary = "Prometheus metrics", description = "Every meter in Prometheus text format 0.0.4. "
        + "Public: for the scraper.")
    @ApiResponse(responseCode = "200", description = "the meters", content = @Content(mediaType = PROMETHEUS_TEXT,
        schema = @Schema(type = "string"), examples = @ExampleObject(name = "meters", ref = OpenApiRefs.EXAMPLES + "Metrics")))
    String metrics() {
        return registry.scrape();
    }
}
