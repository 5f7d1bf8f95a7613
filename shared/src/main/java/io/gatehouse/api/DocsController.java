package io.gatehouse.api;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.swagger.v3.oas.annotations.Hidden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * {@code GET /v1/docs}: Swagger UI over {@code /v1/openapi.json}, with its assets served from the
 * swagger-ui webjar so the page works without reaching any CDN.
 */
@Hidden
@Controller("/v1/docs")
final class DocsController {

    private static final Map<String, String> ASSETS = Map.of(
        "swagger-ui.css", "text/css",
        "swagger-ui-bundle.js", "text/javascript",
        "swagger-ui-standalone-preset.js", "text/javascript",
        "favicon-32x32.png", "image/png");

    private static final String PAGE = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Gatehouse API</title>
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <link rel="icon" type="image/png" href="/v1/docs/favicon-32x32.png">
          <link rel="stylesheet" href="/v1/docs/swagger-ui.css">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="/v1/docs/swagger-ui-bundle.js"></script>
          <script src="/v1/docs/swagger-ui-standalone-preset.js"></script>
          <script>
            window.ui = SwaggerUIBundle({
              url: "/v1/openapi.json",
              dom_id: "#swagger-ui",
              deepLinking: true,
              presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
              layout: "StandaloneLayout"
            });
          </script>
        </body>
        </html>
        """;

    private final ResourceResolver resources;
    private final String assetRoot;

    DocsController(ResourceResolver resources) {
        this.resources = resources;
        this.assetRoot = "classpath:META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion(resources) + "/";
    }

    @Get(produces = MediaType.TEXT_HTML)
    String page() {
        return PAGE;
    }

    @Get("/{asset}")
    HttpResponse<byte[]> asset(@PathVariable String asset) {
        String type = ASSETS.get(asset);
        if (type == null) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "No documentation asset named " + asset + ".");
        }
        try (InputStream in = resources.getResourceAsStream(assetRoot + asset)
            .orElseThrow(() -> new GatewayException(ErrorCode.NOT_FOUND, "No documentation asset named " + asset + "."))) {
            return HttpResponse.ok(in.readAllBytes())
                .contentType(type)
                .header("Cache-Control", "public, max-age=86400");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String swaggerUiVersion(ResourceResolver resources) {
        try (InputStream in = resources.getResourceAsStream("classpath:gatehouse-build.properties")
            .orElseThrow(() -> new IllegalStateException("gatehouse-build.properties is missing from the classpath"))) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("swagger-ui.version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
