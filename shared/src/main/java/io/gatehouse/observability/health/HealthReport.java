package io.gatehouse.observability.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/**
 * The body of {@code /v1/health}.
 *
 * @param status      the gateway's status: down when a critical check is down, degraded when any other
 *                    check fails, ok otherwise
 * @param service     the name this gateway reports itself under ({@code gateway.service-name})
 * @param environment the deployment it belongs to ({@code gateway.environment}), absent when unset
 * @param mode        {@code embedded} (single node, in-process stores) or {@code distributed}
 * @param checks      each dependency's result, by name
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthReport(HealthStatus status, String service, @Nullable String environment, String mode,
                           Map<String, CheckResult> checks) {
}
