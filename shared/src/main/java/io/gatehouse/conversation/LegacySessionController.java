package io.gatehouse.conversation;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * The agent platform gateway's unversioned session paths, kept as aliases for the clients that
 * still call them: {@code POST /session/message}, {@code POST /session/action} and
 * {@code GET /session/{id}/events}, answered exactly as their {@code /v1} twins (same checks, same
 * durability, same errors). Left out of the OpenAPI document; switched off with
 * {@code gateway.legacy-aliases.sessions=false}, which gives the paths back to the routes.
 */
@Hidden
@Controller("/session")
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(property = LegacySessionController.SWITCH, notEquals = StringUtils.FALSE)
final class LegacySessionController {

    /** The switch of these aliases, on unless {@code false}. */
    static final String SWITCH = io.gatehouse.api.LegacyAliasesConfiguration.SESSIONS;

    private final ConversationService sessions;

    LegacySessionController(ConversationService sessions) {
        this.sessions = sessions;
    }

    @Post(value = "/message", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    HttpResponse<ConversationModels.Accepted> message(HttpRequest<?> request, @Nullable @Body ConversationModels.MessageRequest body) {
        return ConversationController.accepted(sessions.message(request, body));
    }

    @Post(value = "/action", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    HttpResponse<ConversationModels.Accepted> action(HttpRequest<?> request, @Nullable @Body ConversationModels.ActionRequest body) {
        return ConversationController.accepted(sessions.action(request, body));
    }

    @Get(value = "/{id}/events", produces = MediaType.APPLICATION_JSON)
    ConversationModels.Page events(HttpRequest<?> request, @PathVariable String id, @Nullable @QueryValue String after,
                                   @Nullable @QueryValue Integer limit) {
        return sessions.history(request, id, after, limit);
    }
}
