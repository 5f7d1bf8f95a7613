package io.gatehouse.api;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;

/**
 * The OpenAPI definition of the gateway's own API. micronaut-openapi turns it and the controllers
 * of this package into {@code META-INF/swagger/gatehouse-v1.yml} at compile time.
 */
@OpenAPIDefinition(info = @Info(
    title = "Gatehouse",
    version = "v1",
    description = "The gateway's own API: health, documentation and metrics. Errors are "
        + "{\"error\":{\"code\",\"message\",\"details\",\"request_id\",\"timestamp\"}}.",
    license = @License(name = "Apache-2.0")))
final class GatewayApi {

    /** Where micronaut-openapi writes the document, on the classpath. */
    static final String DOCUMENT = "META-INF/swagger/gatehouse-v1.yml";

    private GatewayApi() {
    }
}
