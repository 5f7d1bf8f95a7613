package io.gatehouse.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * The bodies of the session API. Unknown fields are refused by name, as everywhere (the global
 * {@code micronaut.serde.deserialization.ignore-unknown: false}).
 */
public final class ConversationModels {

    private ConversationModels() {
    }

    /**
     * {@code POST /v1/session/message}.
     *
     * @param sessionId   the session to add to; a new session is opened when absent
     * @param personaId   the persona to talk to; kept with the session
     * @param message     the text, 1 to {@code gateway.conversations.max-message-length} characters
     * @param attachments references to attached content, at most {@code gateway.conversations.max-attachments}
     * @param metadata    anything the client wants carried with the message
     */
    @Serdeable
    @Schema(name = "SessionMessage", description = "A message for a session; the session is opened when session_id is absent.")
    public record MessageRequest(
        @Nullable @JsonProperty("session_id") @Schema(description = "the session; opened when absent", example = "s_4Jr8YkqQ") String sessionId,
        @Nullable @JsonProperty("persona_id") @Schema(description = "the persona to talk to", example = "analyst") String personaId,
        @Nullable @Schema(description = "the text", requiredMode = Schema.RequiredMode.REQUIRED, example = "Summarise yesterday's incidents") String message,
        @Nullable @ArraySchema(arraySchema = @Schema(description = "attached content, by reference"), schema = @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)) List<Map<String, Object>> attachments,
        @Nullable @Schema(description = "carried with the message as sent", additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> metadata) {
    }

    /**
     * {@code POST /v1/session/action}.
     *
     * @param sessionId the session
     * @param action    {@code summarize}, {@code next_steps} or {@code status_report}
     * @param params    the action's parameters
     */
    @Serdeable
    @Schema(name = "SessionAction", description = "An action on a session, published like a message.")
    public record ActionRequest(
        @Nullable @JsonProperty("session_id") @Schema(description = "the session", requiredMode = Schema.RequiredMode.REQUIRED, example = "s_4Jr8YkqQ") String sessionId,
        @Nullable @Schema(description = "what to do", requiredMode = Schema.RequiredMode.REQUIRED,
            allowableValues = {"summarize", "next_steps", "status_report"}, example = "summarize") String action,
        @Nullable @Schema(description = "the action's parameters", additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> params) {
    }

    /**
     * The answer to an accepted message or action: durable from here on.
     *
     * @param sessionId the session
     * @param eventId   the event's id, the same on a retry with the same {@code Idempotency-Key}
     */
    @Serdeable
    @Schema(name = "SessionAccepted")
    public record Accepted(
        @JsonProperty("session_id") @Schema(example = "s_4Jr8YkqQ") String sessionId,
        @JsonProperty("event_id") @Schema(example = "e_01JF3Z8W6Q2V7R9K4M5N8P0T1A") String eventId) {
    }

    /**
     * One event of a session, in either direction: what history pages, SSE and WebSocket carry.
     *
     * @param eventId   its id
     * @param sessionId its session
     * @param personaId the persona, or {@code null}
     * @param role      {@code user} for what a caller sent, the agent's role (such as {@code assistant}) for a reply
     * @param kind      {@code message}, {@code action} or {@code reply}
     * @param message   the text, or {@code null} for an action
     * @param action    the action's name, or {@code null}
     * @param attachments the attachments as sent, or {@code null}
     * @param params    the action's parameters as sent, or {@code null}
     * @param metadata  the metadata as sent (an empty object when none)
     * @param createdAt when it was stored, ISO-8601
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "SessionEvent")
    public record Event(
        @JsonProperty("event_id") @Schema(example = "e_01JF3Z8W6Q2V7R9K4M5N8P0T1A") String eventId,
        @JsonProperty("session_id") @Schema(example = "s_4Jr8YkqQ") String sessionId,
        @Nullable @JsonProperty("persona_id") @Schema(example = "analyst") String personaId,
        @Schema(example = "user") String role,
        @Schema(example = "message", allowableValues = {"message", "action", "reply"}) String kind,
        @Nullable @Schema(example = "Summarise yesterday's incidents") String message,
        @Nullable @Schema(example = "summarize") String action,
        @Nullable @ArraySchema(schema = @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)) List<Map<String, Object>> attachments,
        @Nullable @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> params,
        @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> metadata,
        @JsonProperty("created_at") @Schema(example = "2026-12-07T17:30:00.123Z") String createdAt) {
    }

    /**
     * A page of history, oldest first.
     *
     * @param sessionId the session
     * @param events    the events after the {@code after} asked for
     * @param next      the {@code after} of the next page, or {@code null} when this page is the last so far
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "SessionEvents")
    public record Page(
        @JsonProperty("session_id") String sessionId,
        List<Event> events,
        @Nullable @Schema(description = "the after of the next page; null when none follows yet") String next) {
    }
}
