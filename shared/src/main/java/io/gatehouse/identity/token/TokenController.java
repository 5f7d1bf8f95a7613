package io.gatehouse.identity.token;

import io.gatehouse.audit.Audited;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.AdminCredentials;
import io.gatehouse.identity.AdminPrincipal;
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
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

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

    private final TokenService tokens;
    private final AdminCredentials admin;

    TokenController(TokenService tokens, AdminCredentials admin) {
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
    @Operation(summary = "Issue a token", description = "Signs a JWT with jti, project, service, sub, iat, exp; the token is shown "
        + "only in this response. Takes Gatehouse's ttl or expires_in, or the Traefik router's expiresInDays (default 90, at most "
        + "gateway.tokens.max-lifetime); answers with both shapes' fields.")
    HttpResponse<IssuedToken> issue(HttpRequest<?> request, @Nullable @Body TokenRequest body) {
        return HttpResponse.created(tokens.issue(admin.require(request), body)).header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "List active tokens", description = "Metadata of tokens neither expired nor revoked; never the tokens.")
    TokenList list(HttpRequest<?> request, @Nullable @QueryValue String project) {
        return new TokenList(tokens.active(admin.require(request), project));
    }

    @Get(value = "/{jti}", produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "Show a token", description = "Its metadata, revoked or not, until it is cleaned up; never the token.")
    TokenMetadata show(HttpRequest<?> request, @PathVariable String jti) {
        return tokens.get(admin.require(request), jti);
    }

    @Delete(value = "/{jti}", produces = MediaType.APPLICATION_JSON)
    @Audited(value = "token.revoke", target = "token:{jti}",
        details = {"kind={body.kind}", "tenant={body.tenant}", "reason={body.revocation_reason}"})
    @Operation(summary = "Revoke a token", description = "Every instance and Lambda refuses it within one second. The reason comes "
        + "as {\"reason\"} in the body or ?reason=, not both. A jti the gateway did not issue (a token signed with the shared "
        + "secret elsewhere) is revoked too, until its expires_at if given, else gateway.tokens.max-lifetime from now.")
    TokenMetadata revoke(HttpRequest<?> request, @PathVariable String jti, @Nullable @QueryValue String reason,
                         @Nullable @Body RevocationRequest body) {
        AdminPrincipal principal = admin.require(request);
        RevocationRequest asked = body == null ? new RevocationRequest(reason, null) : body;
        if (reason != null && body != null && body.reason() != null && !reason.equals(body.reason())) {
            throw new GatewayException(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                Map.of("violations", List.of(Map.of("field", "reason", "message",
                    "is given in the query and in the body with different values; give it once"))), Map.of());
        }
        if (reason != null && body != null && body.reason() == null) {
            asked = new RevocationRequest(reason, body.expiresAt());
        }
        return tokens.revoke(principal, jti, asked);
    }

    @Post(value = "/cleanup", produces = MediaType.APPLICATION_JSON)
    @Audited(value = "token.cleanup", details = "deleted={body.deleted}")
    @Operation(summary = "Delete expired tokens")
    Cleanup cleanup(HttpRequest<?> request) {
        admin.require(request).requireGlobal("clean up every tenant's expired tokens");
        return new Cleanup(tokens.cleanup());
    }
}
