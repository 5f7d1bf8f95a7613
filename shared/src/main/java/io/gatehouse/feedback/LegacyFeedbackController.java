package io.gatehouse.feedback;

import io.gatehouse.api.LegacyAliasesConfiguration;
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
import io.swagger.v3.oas.annotations.Hidden;

/**
 * {@code POST /feedback} and {@code GET /feedback/stats}: the SSO gateway's paths, legacy aliases
 * of {@code /v1/feedback} and {@code /v1/feedback/stats} with the same bodies, answers and access,
 * left out of the OpenAPI document; off with {@code gateway.legacy-aliases.feedback: false} (or
 * with the whole API, {@code gateway.feedback.enabled: false}).
 */
@Hidden
@Controller("/feedback")
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(property = FeedbackConfiguration.ENABLED, notEquals = StringUtils.FALSE)
@Requires(property = LegacyAliasesConfiguration.FEEDBACK, notEquals = StringUtils.FALSE)
final class LegacyFeedbackController {

    private final FeedbackService feedback;

    LegacyFeedbackController(FeedbackService feedback) {
        this.feedback = feedback;
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    HttpResponse<FeedbackModels.Accepted> submit(HttpRequest<?> request, @Nullable @Body FeedbackModels.Submission body) {
        return HttpResponse.created(feedback.submit(request, body));
    }

    @Get(value = "/stats", produces = MediaType.APPLICATION_JSON)
    FeedbackModels.Stats stats(HttpRequest<?> request, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                               @Nullable @QueryValue String category, @Nullable @QueryValue("session_id") String sessionId) {
        return feedback.stats(request, from, to, category, sessionId);
    }
}
