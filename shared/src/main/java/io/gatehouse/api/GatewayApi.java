package io.gatehouse.api;

import io.gatehouse.identity.apikey.ApiKeyConfiguration;
import io.gatehouse.security.session.SessionConfiguration;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.OAuthFlow;
import io.swagger.v3.oas.annotations.security.OAuthFlows;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The OpenAPI definition of the gateway's own API. micronaut-openapi turns it, the controllers of
 * the gateway and {@code shared/src/main/openapi/components.yml} (shared error responses and
 * examples, merged through {@code shared/openapi.properties}) into
 * {@code META-INF/swagger/gatehouse-v1.yml} at compile time. The security schemes are declared
 * here, under the names of {@link OpenApiRefs}; {@link OpenApiController} writes the configured API
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
            + "how callers of routes authenticate; no gateway endpoint takes it.",
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
        @Tag(name = "audit", description = "The audit log (docs/audit.md).")
    })
@SecurityScheme(name = OpenApiRefs.ADMIN_TOKEN, type = SecuritySchemeType.HTTP, scheme = "bearer",
    description = "The value of gateway.admin.token, sent as Authorization: Bearer <token>: the global administrator, "
        + "who may call every admin operation. While neither gateway.admin.token nor gateway.admin.roles is set, the admin "
        + "operations answer 404.")
@SecurityScheme(name = OpenApiRefs.BEARER_JWT, type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
    description = "A JWT the gateway verifies (gateway.jwt.*: the shared secret, a JWKS or an issuer), sent as "
        + "Authorization: Bearer <JWT>. On admin operations it is a tenant administrator's credential when its roles claim "
        + "(gateway.jwt.roles-claim) holds a role of gateway.admin.roles and it names a tenant "
        + "(gateway.jwt.tenant-claims); operations only the global administrator may call do not list it.")
@SecurityScheme(name = OpenApiRefs.OAUTH2, type = SecuritySchemeType.OAUTH2,
    description = "The client credentials grant against this gateway's POST /oauth/token, with a client registered "
        + "through /admin/oauth-clients. The access token is a JWT the gateway signed, sent as a bearer token: it counts "
        + "as bearerJwt does, so on admin operations only when its claims make it a tenant administrator.",
    flows = @OAuthFlows(clientCredentials = @OAuthFlow(tokenUrl = "/oauth/token")))
@SecurityScheme(name = OpenApiRefs.SESSION_COOKIE, type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.COOKIE,
    paramName = SessionConfiguration.DEFAULT_COOKIE_NAME,
    description = "The session cookie the OIDC login sets (GET /v1/auth/login/{provider}); its name is "
        + "gateway.session.cookie-name. A browser sends it by itself to the gateway's origin, so log in first in the same "
        + "browser (Swagger UI cannot set a cookie). On admin operations a session is a tenant administrator's credential "
        + "when its user holds a role of gateway.admin.roles and a tenant.")
@SecurityScheme(name = OpenApiRefs.API_KEY, type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
    paramName = ApiKeyConfiguration.DEFAULT_HEADER,
    description = "A consumer's API key (POST /admin/consumers/{name}/keys) in the header gateway.api-keys.header names. "
        + "Routes with auth: api-key take it; no operation of this document does.")
final class GatewayApi {

    /** Where micronaut-openapi writes the document, on the classpath. */
    static final String DOCUMENT = "META-INF/swagger/gatehouse-v1.yml";

    private GatewayApi() {
    }
}
