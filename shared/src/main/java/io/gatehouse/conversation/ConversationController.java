package io.gatehouse.conversation;

import io.gatehouse.api.CallerOperation;
import io.gatehouse.api.OpenApiRefs;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.policy.idempotency.IdempotencyKeys;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.List;
import java.util.Map;

/**
 * The session API: {@code POST /v1/session/message}, {@code POST /v1/session/action} and the
 * history, {@code GET /v1/session/{id}/events}, as JSON pages or (where {@link SessionStreams} runs: the
 * container) as a stream of Server-Sent Events. One route for both, chosen by {@code Accept}, so
 * that a request accepting anything still finds exactly one route. Every engine serves it (the
 * container, both Lambda payloads); see {@link ConversationService}, docs/sessions.md and
 * docs/streams.md.
 */
@Controller("/v1/session")
@Tag(name = "sessions")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ConversationController {

    private final ConversationService sessions;
    private final @Nullable SessionStreams streams;

    ConversationController(ConversationService sessions, @Nullable SessionStreams streams) {
        this.sessions = sessions;
        this.streams = streams;
    }

    @Post(value = "/message", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @CallerOperation
    @Operation(operationId = "postSessionMessage", summary = "Send a message", description = "Stores the message durably (the "
        + "event and its outbox row commit in one transaction) and answers 202; the relay publishes it to Kafka "
        + "conversation.inbound afterwards, at least once, keyed by the session id. Opens a session when session_id is absent. "
        + "With Idempotency-Key, a retry answers the first event (Idempotent-Replayed: true) and stores nothing. "
        + "503 only when the database does not answer: a Kafka outage delays publishing, never refuses a message.")
    @ApiResponse(responseCode = "202", description = "stored; published to conversation.inbound next", headers = @Header(name =
        IdempotencyKeys.REPLAYED, description = "true when a retried Idempotency-Key answered its first event",
        schema = @Schema(type = "string"), example = "true"), content = @Content(schema = @Schema(implementation = ConversationModels.Accepted.class),
        examples = @ExampleObject(name = "accepted", ref = OpenApiRefs.EXAMPLES + "SessionAccepted")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    @ApiResponse(responseCode = "404", ref = OpenApiRefs.SESSION_NOT_FOUND)
    @ApiResponse(responseCode = "422", ref = OpenApiRefs.RESPONSES + "IdempotencyKeyReused")
    HttpResponse<ConversationModels.Accepted> message(HttpRequest<?> request,
        @Parameter(in = io.swagger.v3.oas.annotations.enums.ParameterIn.HEADER, name = IdempotencyKeys.HEADER,
            description = "makes a retry safe: the same key from the same caller answers the first event",
            schema = @Schema(type = "string"), example = "7f9c2ba4-e88f-11ee-a0c1-325096b39f47") @Nullable
        @io.micronaut.http.annotation.Header(IdempotencyKeys.HEADER) String idempotencyKey,
        @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ConversationModels.MessageRequest.class),
            examples = @ExampleObject(name = "message", ref = OpenApiRefs.EXAMPLES + "SessionMessage")))
        @Nullable @Body ConversationModels.MessageRequest body) {
        return accepted(sessions.message(request, body));
    }

    @Post(value = "/action", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @CallerOperation
    @Operation(operationId = "postSessionAction", summary = "Ask for an action", description = "summarize, next_steps or "
        + "status_report on an existing session; stored and published like a message (kind action).")
    @ApiResponse(responseCode = "202", description = "stored; published to conversation.inbound next", content = @Content(
        schema = @Schema(implementation = ConversationModels.Accepted.class),
        examples = @ExampleObject(name = "accepted", ref = OpenApiRefs.EXAMPLES + "SessionAccepted")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_BODY)
    @ApiResponse(responseCode = "404", ref = OpenApiRefs.SESSION_NOT_FOUND)
    @ApiResponse(responseCode = "422", ref = OpenApiRefs.RESPONSES + "IdempotencyKeyReused")
    HttpResponse<ConversationModels.Accepted> action(HttpRequest<?> request,
        @Parameter(in = io.swagger.v3.oas.annotations.enums.ParameterIn.HEADER, name = IdempotencyKeys.HEADER,
            description = "makes a retry safe: the same key from the same caller answers the first event",
            schema = @Schema(type = "string"), example = "5d1c3a9e-2b7f-4e61-9a0d-8c4b2f1e6a37") @Nullable
        @io.micronaut.http.annotation.Header(IdempotencyKeys.HEADER) String idempotencyKey,
        @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ConversationModels.ActionRequest.class),
            examples = @ExampleObject(name = "action", ref = OpenApiRefs.EXAMPLES + "SessionAction")))
        @Nullable @Body ConversationModels.ActionRequest body) {
        return accepted(sessions.action(request, body));
    }

    @Get(value = "/{id}/events", produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    @CallerOperation
    @Operation(operationId = "getSessionEvents", summary = "Read a session's history, or stream it", description = "Events in both "
        + "directions, oldest first, a page at a time: pass the page's next as after for the following page. With Accept: "
        + "text/event-stream (the container), a stream of Server-Sent Events instead: each event is id: <event_id> and data: <the "
        + "event as a page shows it>; with Last-Event-ID (or after) the events missed since then come first, from the database, "
        + "then live ones, without gaps or repeats; a comment every gateway.conversations.heartbeat keeps it open. See docs/streams.md.")
    @ApiResponse(responseCode = "200", description = "a page of events, or the stream", content = {
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConversationModels.Page.class),
            examples = @ExampleObject(name = "events", ref = OpenApiRefs.EXAMPLES + "SessionEvents")),
        @Content(mediaType = MediaType.TEXT_EVENT_STREAM, schema = @Schema(type = "string",
            description = "Server-Sent Events: id: <event_id>, data: <a SessionEvent as JSON>; comments are heartbeats"),
            examples = @ExampleObject(name = "stream", ref = OpenApiRefs.EXAMPLES + "SessionEventStream"))})
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_PARAMETERS)
    @ApiResponse(responseCode = "404", ref = OpenApiRefs.SESSION_NOT_FOUND)
    HttpResponse<?> events(HttpRequest<?> request,
                           @Parameter(description = "the session", example = "s_01JF3Z8W5M3B7C9D1E2F4G6H8J") @PathVariable String id,
                           @Parameter(description = "the event after which the page (or the stream's replay) starts",
                               example = "e_01JF3Z8W6Q2V7R9K4M5N8P0T1A") @Nullable @QueryValue String after,
                           @Parameter(description = "the most events, 1 to gateway.conversations.max-page (default 100); pages only",
                               example = "50") @Nullable @QueryValue Integer limit,
                           @Parameter(in = io.swagger.v3.oas.annotations.enums.ParameterIn.HEADER, name = SessionStreams.LAST_EVENT_ID,
                               description = "on a stream: the last event the client received; the stream replays what followed it",
                               schema = @Schema(type = "string"), example = "e_01JF3Z8W6Q2V7R9K4M5N8P0T1A") @Nullable
                           @io.micronaut.http.annotation.Header(SessionStreams.LAST_EVENT_ID) String lastEventId) {
        if (wantsStream(request)) {
            if (streams == null) {
                throw new GatewayException(ErrorCode.NOT_ACCEPTABLE, "This engine does not stream; read the history as JSON.",
                    Map.of("accepted", List.of(MediaType.TEXT_EVENT_STREAM), "available", List.of(MediaType.APPLICATION_JSON)), Map.of());
            }
            return HttpResponse.ok(streams.stream(request, id, lastEventId != null ? lastEventId : after,
                    lastEventId != null ? SessionStreams.LAST_EVENT_ID : "after"))
                .contentType(MediaType.TEXT_EVENT_STREAM_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .header("X-Accel-Buffering", "no");
        }
        return HttpResponse.ok(sessions.history(request, id, after, limit)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /**
     * @param request a request
     * @return whether it prefers {@code text/event-stream} to JSON: the first of its accepted
     *         types (by quality) that either answer satisfies is {@code text/event-stream}
     */
    static boolean wantsStream(HttpRequest<?> request) {
        for (MediaType accepted : request.accept()) {
            String name = accepted.getName();
            if (name.equals(MediaType.TEXT_EVENT_STREAM)) {
                return true;
            }
            if (name.equals(MediaType.APPLICATION_JSON) || name.equals("*/*") || name.equals("application/*")) {
                return false;
            }
        }
        return false;
    }

    /**
     * @param result an accepted intake
     * @return 202 with its ids, and {@code Idempotent-Replayed: true} for a retry answered with the first event
     */
    static HttpResponse<ConversationModels.Accepted> accepted(ConversationService.Result result) {
        io.micronaut.http.MutableHttpResponse<ConversationModels.Accepted> response =
            HttpResponse.<ConversationModels.Accepted>accepted().body(result.body());
        return result.replayed() ? response.header(IdempotencyKeys.REPLAYED, "true") : response;
    }
}
