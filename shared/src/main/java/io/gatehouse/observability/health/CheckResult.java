package io.gatehouse.observability.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Map;

/**
 * The outcome of one check.
 *
 * @param status    ok, degraded or down
 * @param latencyMs how long the check took, in milliseconds
 * @param critical  whether a failure takes the gateway down
 * @param error     why it failed, when it did
 * @param details   what the check saw (kind of store, target, …)
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckResult(
    HealthStatus status,
    @JsonProperty("latency_ms") long latencyMs,
    boolean critical,
    @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "why the check failed; absent when it passed") String error,
    @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    Map<String, Object> details) {

    /**
     * A passing result; the service fills in latency and criticality.
     *
     * @param details what the check saw
     * @return the result
     */
    public static CheckResult ok(Map<String, Object> details) {
        return new CheckResult(HealthStatus.OK, 0, true, null, details);
    }

    /**
     * A failing result; the service fills in latency and criticality.
     *
     * @param error   why it failed
     * @param details what the check saw
     * @return the result
     */
    public static CheckResult down(String error, Map<String, Object> details) {
        return new CheckResult(HealthStatus.DOWN, 0, true, error, details);
    }

    CheckResult measured(long latency, boolean isCritical) {
        return new CheckResult(status, latency, isCritical, error, details);
    }
}
