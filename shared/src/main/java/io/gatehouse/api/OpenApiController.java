package io.gatehouse.api;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.json.JsonMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /v1/openapi.json}: the OpenAPI 3 document that micronaut-openapi generated at compile
 * time, converted once from YAML to JSON. {@code GET /openapi.json} is its legacy alias
 * ({@link LegacyOpenApiController}).
 */
@Controller
@Tag(name = "documentation")
final class OpenApiController {

    private final ResourceResolver resources;
    private final JsonMapper jsonMapper;
    private volatile byte[] document;

    OpenApiController(ResourceResolver resources, JsonMapper jsonMapper) {
        this.resources = resources;
        this.jsonMapper = jsonMapper;
    }

    @Get(value = "/v1/openapi.json", produces = MediaType.APPLICATION_JSON)
    @Operation(operationId = "getOpenApiDocument", summary = "OpenAPI document", description = "The OpenAPI 3 description of this "
        + "API, as JSON. Public.")
    @ApiResponse(responseCode = "200", description = "the document", content = @Content(mediaType = MediaType.APPLICATION_JSON,
        schema = @Schema(ref = "#/components/schemas/OpenApiDocument"),
        examples = @ExampleObject(name = "document", ref = OpenApiRefs.EXAMPLES + "OpenApiDocument")))
    byte[] openApi() {
        byte[] current = document;
        if (current == null) {
            current = load();
            document = current;
        }
        return current;
    }

    private byte[] load() {
        try (InputStream in = resources.getResourceAsStream("classpath:" + GatewayApi.DOCUMENT)
            .orElseThrow(() -> new GatewayException(ErrorCode.INTERNAL_ERROR, "The OpenAPI document is missing from this build."))) {
            Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return jsonMapper.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
