package io.gatehouse.identity.token;

import io.gatehouse.audit.Audited;
import io.gatehouse.identity.AdminCredentials;
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

/**
 * The token service, admin only: {@code POST /v1/tokens} issues a signed JWT (shown once),
 * {@code GET /v1/tokens} lists active ones, {@code DELETE /v1/tokens/{jti}} revokes one,
 * {@code POST /v1/tokens/cleanup} deletes expired ones.
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
        details = {"project={body.project}", "service={body.service}", "subject={body.subject}"})
    @Operation(summary = "Issue a token", description = "Signs a JWT with jti, project, service, sub, iat, exp; the token is shown only in this response.")
    HttpResponse<IssuedToken> issue(HttpRequest<?> request, @Nullable @Body TokenRequest body) {
        return HttpResponse.created(tokens.issue(admin.require(request), body)).header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "List active tokens", description = "Metadata of tokens neither expired nor revoked; never the tokens.")
    TokenList list(HttpRequest<?> request, @Nullable @QueryValue String project) {
        return new TokenList(tokens.active(admin.require(request), project));
    }

    @Delete(value = "/{jti}", produces = MediaType.APPLICATION_JSON)
    @Audited(value = "token.revoke", target = "token:{jti}")
    @Operation(summary = "Revoke a token", description = "Every instance and Lambda refuses it within one second.")
    TokenMetadata revoke(HttpRequest<?> request, @PathVariable String jti) {
        return tokens.revoke(admin.require(request), jti);
    }

    @Post(value = "/cleanup", produces = MediaType.APPLICATION_JSON)
    @Audited(value = "token.cleanup", details = "deleted={body.deleted}")
    @Operation(summary = "Delete expired tokens")
    Cleanup cleanup(HttpRequest<?> request) {
        admin.require(request).requireGlobal("clean up every tenant's expired tokens");
        return new Cleanup(tokens.cleanup());
    }
}
