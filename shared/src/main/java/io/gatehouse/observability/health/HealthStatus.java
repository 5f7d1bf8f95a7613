package io.gatehouse.observability.health;

import com.fasterxml.jackson.annotation.JsonValue;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The status of one check or of the whole gateway, worst last.
 */
@Serdeable
@Schema(type = "string", allowableValues = {"ok", "degraded", "down"})
public enum HealthStatus {
    /** Working. */
    OK,
    /** Working with a failing optional dependency. */
    DEGRADED,
    /** Not working. */
    DOWN;

    /**
     * @return the status as it appears in JSON
     */
    @JsonValue
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
