package io.gatehouse.api;

import io.gatehouse.observability.health.HealthReport;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * {@code GET /health}: the legacy alias of {@code GET /v1/health}, left out of the OpenAPI
 * document; off with {@code gateway.legacy-aliases.health: false}.
 */
@Hidden
@Controller
@Requires(property = LegacyAliasesConfiguration.HEALTH, notEquals = StringUtils.FALSE)
final class LegacyHealthController {

    private final HealthController health;

    LegacyHealthController(HealthController health) {
        this.health = health;
    }

    @Get(value = "/health", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<HealthReport> legacyHealth() {
        return health.health();
    }
}
