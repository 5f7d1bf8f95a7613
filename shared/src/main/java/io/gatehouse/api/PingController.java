package io.gatehouse.api;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * {@code GET /ping}: a liveness probe that touches nothing but the process.
 */
@Controller
@Tag(name = "operations")
final class PingController {

    @Get(value = "/ping", produces = MediaType.TEXT_PLAIN)
    @Operation(summary = "Liveness", description = "Answers OK while the process serves requests.")
    String ping() {
        return "OK";
    }
}
