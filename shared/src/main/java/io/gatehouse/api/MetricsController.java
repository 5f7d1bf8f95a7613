package io.gatehouse.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.Locale;

/**
 * {@code GET /metrics}: every meter in Prometheus' text exposition format, or in OpenMetrics 1.0
 * when the scraper asks for it ({@code Accept: application/openmetrics-text}, as Prometheus does
 * by default). The gateway's own families are listed in {@code docs/observability.md}.
 */
@Controller
@Tag(name = "operations")
@Requires(beans = PrometheusMeterRegistry.class)
final class MetricsController {

    /** Prometheus' text exposition format, version 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** OpenMetrics' text format, version 1.0.0. */
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private static final String OPENMETRICS = "application/openmetrics-text";

    private final PrometheusMeterRegistry registry;

    MetricsController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Get("/metrics")
    @Produces({PROMETHEUS_TEXT, OPENMETRICS_TEXT, MediaType.ALL})
    @Operation(operationId = "getMetrics", summary = "Prometheus metrics", description = "Every meter in Prometheus text format "
        + "0.0.4, or OpenMetrics 1.0.0 when Accept names application/openmetrics-text. Public: for the scraper.")
    @ApiResponse(responseCode = "200", description = "the meters", content = {
        @Content(mediaType = PROMETHEUS_TEXT, schema = @Schema(type = "string"),
            examples = @ExampleObject(name = "prometheus", ref = OpenApiRefs.EXAMPLES + "Metrics")),
        @Content(mediaType = OPENMETRICS_TEXT, schema = @Schema(type = "string"),
            examples = @ExampleObject(name = "openmetrics", ref = OpenApiRefs.EXAMPLES + "MetricsOpenMetrics"))})
    HttpResponse<String> metrics(@Header(HttpHeaders.ACCEPT) @Nullable String accept) {
        String type = accept != null && accept.toLowerCase(Locale.ROOT).contains(OPENMETRICS) ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
        return HttpResponse.ok(registry.scrape(type)).contentType(type);
    }
}
