package io.gatehouse.api;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.apikey.ApiKeyConfiguration;
import io.gatehouse.security.session.SessionConfiguration;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.core.type.Argument;
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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code GET /v1/openapi.json}: the OpenAPI 3 document that micronaut-openapi generated at compile
 * time ({@link GatewayApi#DOCUMENT}), read once. Where {@code gateway.api-keys.header} or
 * {@code gateway.session.cookie-name} differ from their defaults, the {@code apiKey} and
 * {@code sessionCookie} security schemes name the configured ones, so that Swagger UI's "Authorize"
 * sends what this gateway reads. {@code GET /openapi.json} is its legacy alias
 * ({@link LegacyOpenApiController}).
 */
@Controller
@Tag(name = "documentation")
final class OpenApiController {

    private final ResourceResolver resources;
    private final JsonMapper jsonMapper;
    private final String apiKeyHeader;
    private final String sessionCookie;
    private volatile byte[] document;

    OpenApiController(ResourceResolver resources, JsonMapper jsonMapper, ApiKeyConfiguration apiKeys, SessionConfiguration sessions) {
        this.resources = resources;
        this.jsonMapper = jsonMapper;
        this.apiKeyHeader = apiKeys.getHeader();
        this.sessionCookie = sessions.getCookieName();
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
        byte[] generated;
        try (InputStream in = resources.getResourceAsStream("classpath:" + GatewayApi.DOCUMENT)
            .orElseThrow(() -> new GatewayException(ErrorCode.INTERNAL_ERROR, "The OpenAPI document is missing from this build."))) {
            generated = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (apiKeyHeader.equals(ApiKeyConfiguration.DEFAULT_HEADER) && sessionCookie.equals(SessionConfiguration.DEFAULT_COOKIE_NAME)) {
            return generated;
        }
        try {
            Map<String, Object> tree = jsonMapper.readValue(generated, Argument.mapOf(String.class, Object.class));
            name(tree, OpenApiRefs.API_KEY, apiKeyHeader);
            name(tree, OpenApiRefs.SESSION_COOKIE, sessionCookie);
            return jsonMapper.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets the header or cookie name of a security scheme of the document. */
    @SuppressWarnings("unchecked")
    private static void name(Map<String, Object> tree, String scheme, String name) {
        Map<String, Object> components = (Map<String, Object>) tree.get("components");
        Map<String, Object> schemes = (Map<String, Object>) components.get("securitySchemes");
        ((Map<String, Object>) schemes.get(scheme)).put("name", name);
    }
}
