package io.gatehouse.identity.oauth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.gatehouse.api.OpenApiRefs;
import io.gatehouse.identity.RequestBodies;
import io.gatehouse.identity.Secrets;
import io.gatehouse.identity.token.IssuedToken;
import io.gatehouse.identity.token.TokenService;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.core.util.SupplierUtil;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST /oauth/token} (RFC 6749 §3.2): {@code client_credentials} and {@code refresh_token}
 * grants, and the legacy {@code password} grant when
 * {@code gateway.oauth.password-grant.enabled=true}. The parameters come as an RFC 6749 form
 * ({@code application/x-www-form-urlencoded}) or as a JSON object of the same names (the
 * high-throughput gateway spec's token request), with the same answers; a JSON field that is not
 * a parameter of this endpoint, or not a string, is refused by name. The client authenticates with
 * HTTP Basic or with {@code client_id} and {@code client_secret} in the body, not both. Errors on this endpoint
 * are RFC 6749 §5.2 bodies ({@link OAuthExceptionHandler}); responses are never cached.
 */
@Controller("/oauth/token")
@Tag(name = "oauth")
@ExecuteOn(TaskExecutors.BLOCKING)
final class OAuthTokenEndpoint {

    private static final String FORM = MediaType.APPLICATION_FORM_URLENCODED;
    private static final String JSON = MediaType.APPLICATION_JSON;

    private final OAuthClients clients;
    private final RefreshTokens refreshTokens;
    private final TokenService tokens;
    private final OAuthConfiguration configuration;
    private final PasswordGrantConfiguration passwordGrant;
    private final JsonMapper json;
    // Made on first need, not at construction: 600000 PBKDF2 iterations would slow a Lambda cold start.
    private final Supplier<String> dummyPasswordHash;

    OAuthTokenEndpoint(OAuthClients clients, RefreshTokens refreshTokens, TokenService tokens,
                       OAuthConfiguration configuration, PasswordGrantConfiguration passwordGrant, JsonMapper json) {
        this.json = json;
        this.clients = clients;
        this.refreshTokens = refreshTokens;
        this.tokens = tokens;
        this.configuration = configuration;
        this.passwordGrant = passwordGrant;
        this.dummyPasswordHash = SupplierUtil.memoized(() -> Secrets.pbkdf2(Secrets.randomToken(16), configuration.getSecretIterations()));
    }

    /**
     * A successful token response (RFC 6749 §5.1).
     *
     * @param accessToken  the signed JWT
     * @param tokenType    {@code Bearer}
     * @param expiresIn    seconds until the access token expires
     * @param refreshToken a refresh token, or {@code null}
     * @param scope        the granted scope
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TokenResponse(@JsonProperty("access_token") String accessToken,
                         @JsonProperty("token_type") String tokenType,
                         @JsonProperty("expires_in") long expiresIn,
                         @Nullable @JsonProperty("refresh_token") String refreshToken,
                         String scope) {
    }

    /**
     * The parameters of a token request, as form fields or JSON members of these names; each
     * grant reads the ones it needs (RFC 6749 §4.3, §4.4, §6).
     *
     * @param grantType    {@code client_credentials}, {@code refresh_token} or {@code password}
     * @param clientId     the client, unless HTTP Basic names it
     * @param clientSecret its secret, unless HTTP Basic carries it
     * @param scope        the scopes asked for, space-separated; all the client's when absent
     * @param refreshToken for {@code refresh_token}: the refresh token
     * @param username     for {@code password}: the user name
     * @param password     for {@code password}: the password
     */
    @Serdeable
    @Schema(name = "OAuthTokenRequest", description = "The token request, as an RFC 6749 form or a JSON object with the same names.")
    record TokenRequestParameters(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) @JsonProperty("grant_type") String grantType,
                                  @Nullable @JsonProperty("client_id") String clientId,
                                  @Nullable @JsonProperty("client_secret") String clientSecret,
                                  @Nullable String scope,
                                  @Nullable @JsonProperty("refresh_token") String refreshToken,
                                  @Nullable String username,
                                  @Nullable String password) {
    }

    /** The JSON members {@link TokenRequestParameters} names; any other is refused. */
    private static final Set<String> PARAMETERS = Set.of("grant_type", "client_id", "client_secret", "scope", "refresh_token",
        "username", "password");

    // consumes ALL: the body is read raw here, the same way on Netty and on both Lambda payloads,
    // and a wrong content type is an RFC 6749 invalid_request rather than a 415.
    @Post(consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    @Operation(operationId = "requestToken", summary = "OAuth2 token endpoint", description = "client_credentials and "
        + "refresh_token grants (password when enabled); the parameters as an RFC 6749 form or as a JSON object of the same "
        + "names, with the same answers; RFC 6749 error bodies. The client authenticates with HTTP Basic (client_id:client_secret) "
        + "or with client_id and client_secret in the body, not both; the endpoint needs no other credential. This is the "
        + "tokenUrl of the oauth2 security scheme. Answers are never cached.")
    @ApiResponse(responseCode = "200", description = "the token (RFC 6749 §5.1)",
        headers = @Header(name = "Cache-Control", ref = OpenApiRefs.HEADERS + "NoStore"),
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TokenResponse.class),
            examples = @ExampleObject(name = "token", ref = OpenApiRefs.EXAMPLES + "OAuthTokenResponse")))
    @ApiResponse(responseCode = "400", description = "an RFC 6749 §5.2 error: invalid_request, invalid_grant, unauthorized_client, "
        + "unsupported_grant_type, invalid_scope", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(ref = "#/components/schemas/OAuthError"),
            examples = {@ExampleObject(name = "invalidScope", ref = OpenApiRefs.EXAMPLES + "OAuthInvalidScope"),
                @ExampleObject(name = "unsupportedGrant", ref = OpenApiRefs.EXAMPLES + "OAuthUnsupportedGrant")}))
    @ApiResponse(responseCode = "401", description = "an RFC 6749 §5.2 invalid_client error, with WWW-Authenticate: Basic",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "#/components/schemas/OAuthError"),
            examples = @ExampleObject(name = "invalidClient", ref = OpenApiRefs.EXAMPLES + "OAuthInvalidClient")))
    HttpResponse<TokenResponse> token(HttpRequest<?> request,
                                      @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
                                          @Content(mediaType = MediaType.APPLICATION_FORM_URLENCODED,
                                              schema = @Schema(implementation = TokenRequestParameters.class),
                                              examples = {
                                                  @ExampleObject(name = "clientCredentials", ref = OpenApiRefs.EXAMPLES + "OAuthTokenRequest"),
                                                  @ExampleObject(name = "refresh", ref = OpenApiRefs.EXAMPLES + "OAuthRefreshRequest")}),
                                          @Content(mediaType = MediaType.APPLICATION_JSON,
                                              schema = @Schema(implementation = TokenRequestParameters.class),
                                              examples = {
                                                  @ExampleObject(name = "clientCredentials", ref = OpenApiRefs.EXAMPLES + "OAuthTokenRequest"),
                                                  @ExampleObject(name = "refresh", ref = OpenApiRefs.EXAMPLES + "OAuthRefreshRequest")})})
                                      @Nullable @Body byte[] body) {
        String contentType = request.getContentType().map(MediaType::getName).orElse("");
        boolean isJson = JSON.equalsIgnoreCase(contentType);
        if (!FORM.equalsIgnoreCase(contentType) && !isJson) {
            throw OAuthException.invalidRequest("The request must be application/x-www-form-urlencoded or application/json.");
        }
        byte[] raw = RequestBodies.raw(request, body);
        Map<String, String> form = isJson ? parseJson(raw)
            : raw.length > 0 ? parseForm(new String(raw, StandardCharsets.UTF_8))
            : formFromParameters(request);
        OAuthClients.Client client = authenticate(request, form);
        String grantType = form.get("grant_type");
        if (grantType == null || grantType.isBlank()) {
            throw OAuthException.invalidRequest("grant_type is required.");
        }
        TokenResponse response = switch (grantType) {
            case "client_credentials" -> clientCredentials(client, form);
            case "refresh_token" -> refresh(client, form);
            case "password" -> {
                if (!passwordGrant.isEnabled()) {
                    throw OAuthException.unsupportedGrantType("The password grant is not enabled on this gateway.");
                }
                yield password(client, form);
            }
            default -> throw OAuthException.unsupportedGrantType("grant_type '" + grantType + "' is not supported.");
        };
        return HttpResponse.ok(response)
            .header(HttpHeaders.CACHE_CONTROL, "no-store")
            .header("Pragma", "no-cache");
    }

    private TokenResponse clientCredentials(OAuthClients.Client client, Map<String, String> form) {
        requireGrant(client, "client_credentials");
        String scope = scope(form.get("scope"), client.scopes());
        boolean refresh = configuration.isClientCredentialsRefresh() && client.grantTypes().contains("refresh_token");
        return issue(client, client.clientId(), scope, refresh, null);
    }

    private TokenResponse refresh(OAuthClients.Client client, Map<String, String> form) {
        requireGrant(client, "refresh_token");
        String presented = form.get("refresh_token");
        if (presented == null || presented.isBlank()) {
            throw OAuthException.invalidRequest("refresh_token is required.");
        }
        RefreshTokens.Granted granted = refreshTokens.use(presented, client.clientId());
        String scope = scope(form.get("scope"), OAuthClients.words(granted.scope()));
        return issue(client, granted.subject(), scope, true, granted.family());
    }

    private TokenResponse password(OAuthClients.Client client, Map<String, String> form) {
        requireGrant(client, "password");
        String username = form.get("username");
        String password = form.get("password");
        if (username == null || username.isBlank() || password == null) {
            throw OAuthException.invalidRequest("username and password are required.");
        }
        String stored = passwordGrant.getUsers().get(username);
        boolean matches = Secrets.pbkdf2Matches(password, stored == null ? dummyPasswordHash.get() : stored);
        if (stored == null || !matches) {
            throw OAuthException.invalidGrant("The user name or password is not valid.");
        }
        String scope = scope(form.get("scope"), client.scopes());
        return issue(client, username, scope, client.grantTypes().contains("refresh_token"), null);
    }

    private TokenResponse issue(OAuthClients.Client client, String subject, String scope, boolean withRefresh, String family) {
        IssuedToken access = tokens.issue(new TokenService.Grant("oauth", client.project(), client.service(), subject,
            client.clientId(), scope, configuration.getAccessTokenLifetime(), client.tenant()));
        String refresh = withRefresh ? refreshTokens.create(client.clientId(), subject, scope, family) : null;
        return new TokenResponse(access.token(), "Bearer", access.expiresIn(), refresh, scope);
    }

    private static void requireGrant(OAuthClients.Client client, String grant) {
        if (!client.grantTypes().contains(grant)) {
            throw OAuthException.unauthorizedClient("Client '" + client.clientId() + "' may not use the " + grant + " grant.");
        }
    }

    /** The requested scope, which must be within what is allowed; everything allowed when none is requested. */
    private static String scope(String requested, List<String> allowed) {
        if (requested == null || requested.isBlank()) {
            return String.join(" ", allowed);
        }
        Set<String> asked = new LinkedHashSet<>(List.of(requested.trim().split("\\s+")));
        for (String scope : asked) {
            if (!allowed.contains(scope)) {
                throw OAuthException.invalidScope("Scope '" + scope + "' is not granted to this client.");
            }
        }
        return String.join(" ", asked);
    }

    private OAuthClients.Client authenticate(HttpRequest<?> request, Map<String, String> form) {
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        String clientId;
        String secret;
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        if (basic) {
            if (form.containsKey("client_secret")) {
                throw OAuthException.invalidRequest("Use one client authentication method, not HTTP Basic and client_secret.");
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OAuthException.invalidClient("The Basic credentials are not valid base64.");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw OAuthException.invalidClient("The Basic credentials must be client_id:client_secret.");
            }
            // RFC 6749 §2.3.1: both parts are form-encoded before Basic encoding.
            clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            String formId = form.get("client_id");
            if (formId != null && !formId.equals(clientId)) {
                throw OAuthException.invalidRequest("client_id in the form differs from the Basic credentials.");
            }
        } else {
            clientId = form.get("client_id");
            secret = form.get("client_secret");
            if (clientId == null || secret == null) {
                throw OAuthException.invalidClient("Client authentication is required (HTTP Basic, or client_id and client_secret).");
            }
        }
        return clients.authenticate(clientId, secret)
            .orElseThrow(() -> OAuthException.invalidClient("The client is unknown or its secret is wrong."));
    }

    /**
     * On Lambda, micronaut-aws reads a form body into the request parameters (merged with the
     * query string) and binds nothing to {@code byte[]}: take the form from there.
     */
    private static Map<String, String> formFromParameters(HttpRequest<?> request) {
        Map<String, String> form = new HashMap<>();
        request.getParameters().asMap().forEach((name, values) -> {
            List<String> present = values.stream().filter(v -> v != null && !v.isEmpty()).toList();
            if (present.size() > 1) {
                throw OAuthException.invalidRequest("Parameter '" + name + "' is repeated.");
            }
            if (present.size() == 1) {
                form.put(name, present.getFirst());
            }
        });
        return form;
    }

    /**
     * A JSON token request: one object whose members are the form's parameters, each a string;
     * an empty string or {@code null} is omitted, as an empty form parameter is (RFC 6749 §3.2).
     */
    private Map<String, String> parseJson(byte[] raw) {
        JsonNode root;
        try {
            root = raw.length == 0 ? null : json.readValue(raw, JsonNode.class);
        } catch (IOException | RuntimeException e) {
            throw OAuthException.invalidRequest("The body is not valid JSON.");
        }
        if (root == null || !root.isObject()) {
            throw OAuthException.invalidRequest("The body must be a JSON object of the token request's parameters.");
        }
        Map<String, String> form = new HashMap<>();
        for (Map.Entry<String, JsonNode> member : root.entries()) {
            String name = member.getKey();
            if (!PARAMETERS.contains(name)) {
                throw OAuthException.invalidRequest("Unknown field '" + name + "'; the token request takes "
                    + String.join(", ", PARAMETERS.stream().sorted().toList()) + ".");
            }
            JsonNode value = member.getValue();
            if (value.isNull()) {
                continue;
            }
            if (!value.isString()) {
                throw OAuthException.invalidRequest("Field '" + name + "' must be a string.");
            }
            if (!value.getStringValue().isEmpty()) {
                form.put(name, value.getStringValue());
            }
        }
        return form;
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OAuthException.invalidRequest("The form is not valid application/x-www-form-urlencoded.");
            }
            if (value.isEmpty()) {
                // RFC 6749 §3.2: parameters sent without a value are treated as omitted.
                continue;
            }
            if (form.put(name, value) != null) {
                throw OAuthException.invalidRequest("Parameter '" + name + "' is repeated.");
            }
        }
        return form;
    }
}
