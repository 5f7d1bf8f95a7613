package io.gatehouse.api;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * {@code GET /ping}: a liveness probe that touches nothing but the process.
 */
@Controller
@Tag(name = "operations")
final class PingController {

    @Get(value = "/ping", produces = MediaType.TEXT_PLAIN)
    @Operation(operationId = "ping", summary = "Liveness", description = "Answers OK while the process serves requests. Public: for "
        + "liveness probes.")
    @ApiResponse(responseCode = "200", description = "the process serves requests", content = @Content(mediaType = MediaType.TEXT_PLAIN,
        schema = @Schema(type = "string"), examples = @ExampleObject(name = "ok", ref = OpenApiRefs.EXAMPLES + "Ping")))
    String ping() {
        return "OK";
    }
}
