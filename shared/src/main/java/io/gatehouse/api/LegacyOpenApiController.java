package io.gatehouse.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * {@code GET /openapi.json}: the legacy alias of {@code GET /v1/openapi.json}, left out of the
 * OpenAPI document; off with {@code gateway.legacy-aliases.openapi: false}.
 */
@Hidden
@Controller
@Requires(property = LegacyAliasesConfiguration.OPENAPI, notEquals = StringUtils.FALSE)
final class LegacyOpenApiController {

    private final OpenApiController openApi;

    LegacyOpenApiController(OpenApiController openApi) {
        this.openApi = openApi;
    }

    @Get(value = "/openapi.json", produces = MediaType.APPLICATION_JSON)
    byte[] legacyOpenApi() {
        return openApi.openApi();
    }
}
