package io.gatehouse.feedback;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Map;

/**
 * The bodies of the feedback API, in the SSO gateway's shape so that its front ends keep working.
 * Unknown fields are refused by name, as everywhere (the global
 * {@code micronaut.serde.deserialization.ignore-unknown: false}).
 */
public final class FeedbackModels {

    private FeedbackModels() {
    }

    /**
     * {@code POST /v1/feedback}.
     *
     * @param userId      the user the front end says is giving feedback
     * @param category    {@code bug}, {@code feature} or {@code general}
     * @param rating      1 to 5
     * @param title       a short summary, 1 to {@code gateway.feedback.max-title-length} characters
     * @param description the feedback, 1 to {@code gateway.feedback.max-description-length} characters
     * @param userAgent   the browser's user agent, or {@code null}
     * @param url         the page the feedback is about, or {@code null}
     * @param metadata    anything the front end wants kept with it, or {@code null}
     * @param sessionId   the session the feedback is about, or {@code null}
     * @param eventId     an event of that session, or {@code null}
     */
    @Serdeable
    @Schema(name = "FeedbackRequest", description = "Feedback in the SSO gateway's shape, optionally tied to a session and one of its events.")
    public record Submission(
        @Nullable @JsonProperty("user_id") @Schema(description = "the user giving feedback, as the front end knows it",
            requiredMode = Schema.RequiredMode.REQUIRED, maxLength = FeedbackService.MAX_USER_ID, example = "u-1842") String userId,
        @Nullable @Schema(description = "what the feedback is about", requiredMode = Schema.RequiredMode.REQUIRED,
            allowableValues = {"bug", "feature", "general"}, example = "bug") String category,
        @Nullable @Schema(description = "1 (poor) to 5 (excellent)", requiredMode = Schema.RequiredMode.REQUIRED,
            minimum = "1", maximum = "5", example = "4") Integer rating,
        @Nullable @Schema(description = "a short summary, at most gateway.feedback.max-title-length characters",
            requiredMode = Schema.RequiredMode.REQUIRED, example = "Export button does nothing") String title,
        @Nullable @Schema(description = "the feedback, at most gateway.feedback.max-description-length characters",
            requiredMode = Schema.RequiredMode.REQUIRED, example = "Clicking Export on the incidents page shows a spinner forever.") String description,
        @Nullable @JsonProperty("user_agent") @Schema(description = "the browser's user agent", maxLength = FeedbackService.MAX_USER_AGENT,
            example = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0") String userAgent,
        @Nullable @Schema(description = "the page the feedback is about", maxLength = FeedbackService.MAX_URL,
            example = "https://app.example.com/incidents") String url,
        @Nullable @Schema(description = "kept with the feedback as sent", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
        Map<String, Object> metadata,
        @Nullable @JsonProperty("session_id") @Schema(description = "the session the feedback is about; it must be one the caller may read",
            example = "s_01JF3Z8W5M3B7C9D1E2F4G6H8J") String sessionId,
        @Nullable @JsonProperty("event_id") @Schema(description = "an event of session_id the feedback is about (needs session_id)",
            example = "e_01JF3Z8X1C4D6E8F0G2H4J6K8M") String eventId) {
    }

    /**
     * The answer to stored feedback.
     *
     * @param feedbackId its id
     * @param status     always {@code received}
     * @param timestamp  when it was stored, ISO-8601
     * @param message    a thank-you the front end may show
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "FeedbackAccepted", description = "Stored feedback.")
    public record Accepted(
        @JsonProperty("feedback_id") @Schema(example = "f_01JF40A2B3C4D5E6F7G8H9J0KM") String feedbackId,
        @Schema(example = "received", allowableValues = {"received"}) String status,
        @Schema(example = "2026-12-07T17:45:10.512Z") String timestamp,
        @Schema(example = "Thank you for your feedback.") String message) {
    }

    /**
     * Counts over every stored feedback row that matches the filters.
     *
     * @param totalFeedback how many rows match
     * @param categories    how many of them per category, every category listed
     * @param ratings       how many of them per rating, {@code "1"} to {@code "5"} all listed
     * @param averageRating their average rating, to two decimals; 0 when none match
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "FeedbackStats", description = "Counts over every matching feedback row, computed by the database.")
    public record Stats(
        @JsonProperty("total_feedback") @Schema(example = "152") long totalFeedback,
        @Schema(description = "bug, feature and general, each with its count",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Long> categories,
        @Schema(description = "\"1\" to \"5\", each with its count",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Long> ratings,
        @JsonProperty("average_rating") @Schema(description = "the average rating, to two decimals; 0 when nothing matches",
            example = "3.87") double averageRating) {
    }
}
