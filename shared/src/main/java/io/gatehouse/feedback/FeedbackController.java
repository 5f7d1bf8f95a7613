package io.gatehouse.feedback;

import io.gatehouse.api.CallerOperation;
import io.gatehouse.api.OpenApiRefs;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The feedback API: {@code POST /v1/feedback} and {@code GET /v1/feedback/stats}. Every engine
 * serves it (the container, both Lambda payloads); see {@link FeedbackService} and docs/feedback.md.
 * {@link LegacyFeedbackController} serves the same under the SSO gateway's {@code /feedback}.
 */
@Controller("/v1/feedback")
@Tag(name = "feedback")
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(property = FeedbackConfiguration.ENABLED, notEquals = StringUtils.FALSE)
final class FeedbackController {

    private final FeedbackService feedback;

    FeedbackController(FeedbackService feedback) {
        this.feedback = feedback;
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @CallerOperation
    @Operation(operationId = "postFeedback", summary = "Give feedback", description = "Stores feedback in the SSO gateway's "
        + "shape in the gateway's database and answers 201 with its id. session_id ties it to a session the caller may read "
        + "(its own, or any of its tenant's with a role of gateway.conversations.read-any-roles; any other is 404), event_id "
        + "to one of that session's events. Callers are admitted as for the session API, by the same decision service when "
        + "gateway.opa.url is set.")
    @ApiResponse(responseCode = "201", description = "stored", content = @Content(
        schema = @Schema(implementation = FeedbackModels.Accepted.class),
        examples = @ExampleObject(name = "stored", ref = OpenApiRefs.EXAMPLES + "FeedbackAccepted")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    @ApiResponse(responseCode = "404", ref = OpenApiRefs.SESSION_NOT_FOUND)
    HttpResponse<FeedbackModels.Accepted> submit(HttpRequest<?> request,
        @RequestBody(required = true, content = @Content(schema = @Schema(implementation = FeedbackModels.Submission.class),
            examples = @ExampleObject(name = "feedback", ref = OpenApiRefs.EXAMPLES + "FeedbackRequest")))
        @Nullable @Body FeedbackModels.Submission body) {
        return HttpResponse.created(feedback.submit(request, body));
    }

    @Get(value = "/stats", produces = MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = OpenApiRefs.ADMIN_TOKEN)
    @SecurityRequirement(name = OpenApiRefs.BEARER_JWT)
    @SecurityRequirement(name = OpenApiRefs.OAUTH2)
    @SecurityRequirement(name = OpenApiRefs.API_KEY)
    @SecurityRequirement(name = OpenApiRefs.SESSION_COOKIE)
    @Operation(operationId = "getFeedbackStats", summary = "Count feedback", description = "Totals, counts per category "
        + "and per rating and the average rating over every stored feedback row that matches the filters, counted by the "
        + "database. Administrators may read them (a tenant administrator its own tenant's rows only, the admin token every "
        + "tenant's), and so may callers holding a role of gateway.feedback.stats-roles, admitted as for the session API, "
        + "for their own tenant's rows.")
    @ApiResponse(responseCode = "200", description = "the counts", content = @Content(
        schema = @Schema(implementation = FeedbackModels.Stats.class),
        examples = @ExampleObject(name = "stats", ref = OpenApiRefs.EXAMPLES + "FeedbackStats")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_PARAMETERS)
    @ApiResponse(responseCode = "401", ref = OpenApiRefs.CALLER_UNAUTHORIZED)
    @ApiResponse(responseCode = "403", ref = OpenApiRefs.RESPONSES + "FeedbackStatsForbidden")
    @ApiResponse(responseCode = "404", ref = OpenApiRefs.ADMIN_NOT_FOUND)
    @ApiResponse(responseCode = "503", ref = OpenApiRefs.STORE_UNAVAILABLE)
    FeedbackModels.Stats stats(HttpRequest<?> request,
                               @Parameter(description = "the first instant, inclusive (ISO-8601)", example = "2026-12-01T00:00:00Z")
                               @Nullable @QueryValue String from,
                               @Parameter(description = "the last instant, exclusive (ISO-8601)", example = "2026-12-08T00:00:00Z")
                               @Nullable @QueryValue String to,
                               @Parameter(description = "bug, feature or general", example = "bug",
                                   schema = @Schema(type = "string", allowableValues = {"bug", "feature", "general"}))
                               @Nullable @QueryValue String category,
                               @Parameter(description = "the session the feedback is tied to", example = "s_01JF3Z8W5M3B7C9D1E2F4G6H8J")
                               @Nullable @QueryValue("session_id") String sessionId) {
        return feedback.stats(request, from, to, category, sessionId);
    }
}
