package io.gatehouse.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/**
 * The body of every error the gateway produces.
 *
 * @param error the error itself
 */
@Serdeable
public record ErrorEnvelope(Body error) {

    /**
     * The error inside the envelope.
     *
     * @param code      a stable, machine-readable code ({@link ErrorCode#code()})
     * @param message   a sentence for humans; never a stack trace
     * @param details   structured facts about the error; an empty object when there are none
     * @param requestId the request's {@code X-Request-ID}
     * @param timestamp when the error was produced, RFC 3339 in UTC
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Body(
        String code,
        String message,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
        Map<String, Object> details,
        @JsonProperty("request_id") String requestId,
        String timestamp) {
    }
}
