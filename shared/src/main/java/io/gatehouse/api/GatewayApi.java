package io.gatehouse.api;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The OpenAPI definition of the gateway's own API. micronaut-openapi turns it, the controllers of
 * the gateway and {@code shared/src/main/openapi/components.yml} (security schemes, shared error
 * responses, examples; merged through {@code shared/openapi.properties}) into
 * {@value #DOCUMENT} at compile time, as JSON. {@link OpenApiController} writes the configured API
 * key header and session cookie name into the document it serves.
 */
@OpenAPIDefinition(
    info = @Info(
        title = "Gatehouse",
        version = "v1",
        description = "The gateway's own API: health, documentation, metrics, the admin API, tokens, OAuth2 and the OIDC "
            + "login. Every error is the envelope {\"error\":{\"code\",\"message\",\"details\",\"request_id\",\"timestamp\"}} "
            + "(ErrorEnvelope), except on POST /oauth/token, whose errors are RFC 6749 bodies. Every response carries "
            + "X-Request-ID and X-API-Version.\n\n"
            + "Authorize with the scheme the operation lists: the admin token (adminToken) for every admin operation, or, "
            + "where gateway.admin.roles is set, a JWT (bearerJwt, or one from the oauth2 flow) or a session "
            + "(sessionCookie) of a tenant administrator. Operations that list no scheme need no credential. apiKey is "
            + "how callers of routes authenticate; of the gateway's endpoints, only the caller's ones (sessions, feedback) take it.",
        license = @License(name = "Apache-2.0")),
    tags = {
        @Tag(name = "operations", description = "Health, liveness, metrics and the routes in force."),
        @Tag(name = "documentation", description = "This document."),
        @Tag(name = "admin", description = "Routes, upstreams and plans without a restart (docs/admin-api.md)."),
        @Tag(name = "consumers", description = "Consumers and their API keys (docs/tokens-and-keys.md)."),
        @Tag(name = "oauth", description = "The OAuth2 token endpoint and its clients (docs/tokens-and-keys.md)."),
        @Tag(name = "tokens", description = "The gateway's own tokens: issue, list, revoke (docs/tokens-and-keys.md)."),
        @Tag(name = "auth", description = "The OIDC browser login and the session (docs/security.md)."),
        @Tag(name = "sso-providers", description = "The SSO providers users log in with (docs/security.md)."),
        @Tag(name = "audit", description = "The audit log (docs/audit.md)."),
        @Tag(name = "feedback", description = "Users' feedback and its statistics (docs/feedback.md).")
    })
final class GatewayApi {

    /** Where micronaut-openapi writes the document, on the classpath. */
    static final String DOCUMENT = "META-INF/swagger/gatehouse-v1.json";

    private GatewayApi() {
    }
}
