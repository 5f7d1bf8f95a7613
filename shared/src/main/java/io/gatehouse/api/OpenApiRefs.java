package io.gatehouse.api;

/**
 * The names the controllers' OpenAPI annotations refer to: the security schemes {@link GatewayApi}
 * declares, and the shared error responses and the examples that
 * {@code shared/src/main/openapi/components.yml} defines (micronaut-openapi merges that file into
 * the document at compile time). {@code OpenApiDocumentTest} fails on a reference that does not
 * resolve, an operation without a security classification, examples or body fields; see
 * {@code docs/api.md}, "Documenting an endpoint".
 */
public final class OpenApiRefs {

    /** {@code Authorization: Bearer <gateway.admin.token>}: the global administrator. */
    public static final String ADMIN_TOKEN = "adminToken";

    /** {@code Authorization: Bearer <JWT>}: a token the gateway verifies ({@code gateway.jwt.*}). */
    public static final String BEARER_JWT = "bearerJwt";

    /** OAuth2 client credentials against the gateway's own {@code POST /oauth/token}; its token is a bearer JWT. */
    public static final String OAUTH2 = "oauth2";

    /** The session cookie the OIDC login sets ({@code gateway.session.cookie-name}). */
    public static final String SESSION_COOKIE = "sessionCookie";

    /** A consumer's API key in its header ({@code gateway.api-keys.header}). */
    public static final String API_KEY = "apiKey";

    /** Where the shared responses are. */
    public static final String RESPONSES = "#/components/responses/";

    /** Where the shared response headers are. */
    public static final String HEADERS = "#/components/headers/";

    /** Where the examples are. */
    public static final String EXAMPLES = "#/components/examples/";

    /** 400 {@code validation_failed} or {@code invalid_json} for a request body. */
    public static final String INVALID_BODY = RESPONSES + "InvalidBody";

    /** 400 {@code validation_failed} with {@code details.problems}: a route, upstream or plan that does not load. */
    public static final String INVALID_DEFINITION = RESPONSES + "InvalidDefinition";

    /** 400 {@code validation_failed} for query parameters. */
    public static final String INVALID_PARAMETERS = RESPONSES + "InvalidParameters";

    /** 401 on an admin endpoint: no admin credential, or one that is not valid. */
    public static final String ADMIN_UNAUTHORIZED = RESPONSES + "AdminUnauthorized";

    /** 403 on an admin endpoint: a valid credential that is no administrator here. */
    public static final String ADMIN_FORBIDDEN = RESPONSES + "AdminForbidden";

    /** 404 on an admin endpoint: the admin API is off, or the object does not exist. */
    public static final String ADMIN_NOT_FOUND = RESPONSES + "AdminNotFound";

    /** 401 on a caller's endpoint (the session API): no credential, or one that is not valid. */
    public static final String CALLER_UNAUTHORIZED = RESPONSES + "CallerUnauthorized";

    /** 403 on a caller's endpoint: a tenant-bound credential's tenant, or the decision service, refused it. */
    public static final String CALLER_FORBIDDEN = RESPONSES + "CallerForbidden";

    /** 404 for a session that does not exist or is not the caller's: the two are not told apart. */
    public static final String SESSION_NOT_FOUND = RESPONSES + "SessionNotFound";

    /** 409: the object is read-only, exists already or is in use. */
    public static final String CONFLICT = RESPONSES + "Conflict";

    /** 503 with {@code Retry-After}: a store the endpoint needs does not answer. */
    public static final String STORE_UNAVAILABLE = RESPONSES + "StoreUnavailable";

    private OpenApiRefs() {
    }
}
