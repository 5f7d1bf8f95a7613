package io.gatehouse.observability.health;

import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/**
 * The body of {@code /v1/health}.
 *
 * @param status the gateway's status: down when a critical check is down, degraded when any other
 *               check fails, ok otherwise
 * @param mode   {@code embedded} (single node, in-process stores) or {@code distributed}
 * @param checks each dependency's result, by name
 */
@Serdeable
public record HealthReport(HealthStatus status, String mode, Map<String, CheckResult> checks) {
}
