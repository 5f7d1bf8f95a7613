package io.gatehouse.identity.token;

import io.gatehouse.api.AdminOperation;
import io.gatehouse.api.GlobalAdminOperation;
import io.gatehouse.api.OpenApiRefs;
import io.gatehouse.audit.Audited;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.AdminCredentials;
import io.gatehouse.identity.AdminPrincipal;
import io.gatehouse.identity.RequestBodies;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The token service, admin only: {@code POST /v1/tokens} issues a signed JWT (shown once),
 * {@code GET /v1/tokens} lists active ones, {@code GET /v1/tokens/{jti}} shows one (revoked ones
 * with who revoked them, when and why), {@code DELETE /v1/tokens/{jti}} revokes one (also a token
 * the gateway did not issue but accepts), {@code POST /v1/tokens/cleanup} deletes expired ones.
 */
@Controller("/v1/tokens")
@Tag(name = "tokens")
@ExecuteOn(TaskExecutors.BLOCKING)
final class TokenController {

    private static final String JTI = "the token's jti claim";

    private final TokenService tokens;
    private final AdminCredentials admin;
    private final JsonMapper json;

    TokenController(TokenService tokens, AdminCredentials admin, JsonMapper json) {
        this.json = json;
        this.tokens = tokens;
        this.admin = admin;
    }

    /**
     * The list of active tokens.
     *
     * @param tokens their metadata, newest first
     */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    record TokenList(List<TokenMetadata> tokens) {
    }

    /**
     * The result of a cleanup.
     *
     * @param deleted how many expired tokens were deleted
     */
    @Serdeable
    record Cleanup(int deleted) {
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Audited(value = "token.issue", target = "token:{body.jti}",
        details = {"project={body.project}", "service={body.service}", "subject={body.subject}", "description={body.description}"})
    @AdminOperation
    @Operation(operationId = "issueToken", summary = "Issue a token", description = "Signs a JWT with jti, project, service, sub, "
        + "iat, exp; the token is shown only in this response (Cache-Control: no-store). Takes Gatehouse's ttl or expires_in, or "
        + "the Traefik router's expiresInDays (default 90, at most gateway.tokens.max-lifetime); answers with both shapes' fields.")
    @ApiResponse(responseCode = "201", description = "the token, shown this once", content = @Content(
        schema = @Schema(implementation = IssuedToken.class), examples = @ExampleObject(name = "token", ref = OpenApiRefs.EXAMPLES + "IssuedToken")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    HttpResponse<IssuedToken> issue(HttpRequest<?> request,
                                    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = TokenRequest.class),
                                        examples = {@ExampleObject(name = "gatehouse", ref = OpenApiRefs.EXAMPLES + "TokenRequest"),
                                            @ExampleObject(name = "router", ref = OpenApiRefs.EXAMPLES + "TokenRequestRouterShape")}))
                                    @Nullable @Body TokenRequest body) {
        return HttpResponse.created(tokens.issue(admin.require(request), body)).header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @AdminOperation
    @Operation(operationId = "listTokens", summary = "List active tokens", description = "Metadata of tokens neither expired nor "
        + "revoked, newest first; never the tokens. A tenant administrator sees its tenant's.")
    @ApiResponse(responseCode = "200", description = "the tokens", content = @Content(schema = @Schema(implementation = TokenList.class),
        examples = @ExampleObject(name = "tokens", ref = OpenApiRefs.EXAMPLES + "TokenList")))
    TokenList list(HttpRequest<?> request,
                   @Parameter(description = "only tokens with this project claim", example = "analytics") @Nullable @QueryValue String project) {
        return new TokenList(tokens.active(admin.require(request), project));
    }

    @Get(value = "/{jti}", produces = MediaType.APPLICATION_JSON)
    @AdminOperation
    @Operation(operationId = "getToken", summary = "Show a token", description = "Its metadata, revoked or not, until it is "
        + "cleaned up; never the token.")
    @ApiResponse(responseCode = "200", description = "the token's metadata", content = @Content(
        schema = @Schema(implementation = TokenMetadata.class), examples = @ExampleObject(name = "token", ref = OpenApiRefs.EXAMPLES + "TokenMetadata")))
    TokenMetadata show(HttpRequest<?> request, @Parameter(description = JTI, example = "811fd6f26d40bf1b2219965c75b3a84d") @PathVariable String jti) {
        return tokens.get(admin.require(request), jti);
    }

    @Delete(value = "/{jti}", produces = MediaType.APPLICATION_JSON)
    @Audited(value = "token.revoke", target = "token:{jti}",
        details = {"kind={body.kind}", "tenant={body.tenant}", "reason={body.revocation_reason}"})
    @AdminOperation
    @Operation(operationId = "revokeToken", summary = "Revoke a token", description = "Every instance and Lambda refuses it within "
        + "one second. The reason comes as {\"reason\"} in the body or ?reason= (the same value if both). A jti the gateway did not "
        + "issue (a token signed with the shared secret elsewhere) is revoked too, until its expires_at if given, else "
        + "gateway.tokens.max-lifetime from now.",
        requestBody = @RequestBody(description = "optional", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RevocationRequest.class),
            examples = {@ExampleObject(name = "issued", ref = OpenApiRefs.EXAMPLES + "RevocationRequest"),
                @ExampleObject(name = "foreign", ref = OpenApiRefs.EXAMPLES + "ForeignRevocationRequest")})))
    @ApiResponse(responseCode = "200", description = "the token's metadata, revoked", content = @Content(
        schema = @Schema(implementation = TokenMetadata.class),
        examples = {@ExampleObject(name = "issued", ref = OpenApiRefs.EXAMPLES + "RevokedToken"),
            @ExampleObject(name = "foreign", ref = OpenApiRefs.EXAMPLES + "RevokedForeignToken")}))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    // No @Body: micronaut-aws answers 400 "Empty body" for a DELETE without one, even to a @Nullable byte[].
    TokenMetadata revoke(HttpRequest<?> request, @Parameter(description = JTI, example = "811fd6f26d40bf1b2219965c75b3a84d") @PathVariable String jti,
                         @Parameter(description = "why it is revoked (or in the body)", example = "job retired") @Nullable @QueryValue String reason) {
        AdminPrincipal principal = admin.require(request);
        RevocationRequest asked = revocation(RequestBodies.raw(request, null));
        if (reason != null && asked.reason() != null && !reason.equals(asked.reason())) {
            throw invalid("reason", "is given in the query and in the body with different values; give it once");
        }
        return tokens.revoke(principal, jti, new RevocationRequest(reason != null ? reason : asked.reason(), asked.expiresAt()));
    }

    /**
     * The optional body of a revocation, read here rather than bound: micronaut-aws refuses an
     * empty body bound to an object, and a member that is not {@link RevocationRequest}'s is
     * refused by name.
     */
    private RevocationRequest revocation(byte[] raw) {
        if (raw.length == 0) {
            return new RevocationRequest(null, null);
        }
        JsonNode root;
        try {
            root = json.readValue(raw, JsonNode.class);
        } catch (IOException | RuntimeException e) {
            throw invalid("body", "is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw invalid("body", "must be a JSON object with reason and expires_at");
        }
        String reason = null;
        Instant expiresAt = null;
        for (Map.Entry<String, JsonNode> member : root.entries()) {
            JsonNode value = member.getValue();
            if (value.isNull()) {
                continue;
            }
            switch (member.getKey()) {
                case "reason" -> {
                    if (!value.isString()) {
                        throw invalid("reason", "must be a string");
                    }
                    reason = value.getStringValue();
                }
                case "expires_at" -> {
                    try {
                        expiresAt = Instant.parse(value.isString() ? value.getStringValue() : "");
                    } catch (DateTimeParseException e) {
                        throw invalid("expires_at", "must be an ISO-8601 instant such as 2027-03-01T00:00:00Z");
                    }
                }
                default -> throw invalid(member.getKey(), "is not a field of a revocation (reason, expires_at)");
            }
        }
        return new RevocationRequest(reason, expiresAt);
    }

    private static GatewayException invalid(String field, String message) {
        return new GatewayException(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
            Map.of("violations", List.of(Map.of("field", field, "message", message))), Map.of());
    }

    @Post(value = "/cleanup", produces = MediaType.APPLICATION_JSON)
    @Audited(value = "token.cleanup", details = "deleted={body.deleted}")
    @GlobalAdminOperation
    @Operation(operationId = "cleanupTokens", summary = "Delete expired tokens", description = "Their metadata and the revocations "
        + "past their expiry; global administrator only.")
    @ApiResponse(responseCode = "200", description = "how many were deleted", content = @Content(schema = @Schema(implementation = Cleanup.class),
        examples = @ExampleObject(name = "cleanup", ref = OpenApiRefs.EXAMPLES + "TokenCleanup")))
    Cleanup cleanup(HttpRequest<?> request) {
        admin.require(request).requireGlobal("clean up every tenant's expired tokens");
        return new Cleanup(tokens.cleanup());
    }
}
