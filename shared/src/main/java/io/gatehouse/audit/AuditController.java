package io.gatehouse.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.gatehouse.api.AdminOperation;
import io.gatehouse.api.GlobalAdminOperation;
import io.gatehouse.api.OpenApiRefs;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.AdminCredentials;
import io.gatehouse.identity.Validation;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /admin/audit}: the stored audit events, newest first, filtered by the query
 * parameters; admin only. A tenant administrator reads its tenant's events only: its
 * {@code tenant} filter is forced to its own tenant, and naming another is 403 {@code cross_tenant}.
 * Events still queued, and those in the JSON log only, are not listed.
 */
@Controller("/admin/audit")
@Tag(name = "audit")
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(beans = AuditLog.class)
final class AuditController {

    /** Events answered when the request names no limit. */
    static final int DEFAULT_LIMIT = 100;

    /** The most events one request may ask for. */
    static final int MAX_LIMIT = 1000;

    private final AuditLog log;
    private final AdminCredentials admin;
    /** Present when {@code gateway.audit.retention} is set. */
    private final AuditRetention retention;

    AuditController(AuditLog log, AdminCredentials admin, @Nullable AuditRetention retention) {
        this.log = log;
        this.admin = admin;
        this.retention = retention;
    }

    /**
     * The answer of a pruning.
     *
     * @param deleted          how many events were deleted
     * @param before           the first instant kept
     * @param retentionSeconds the retention applied
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record PruneResult(long deleted, Instant before, @JsonProperty("retention_seconds") long retentionSeconds) {
    }

    @Post(value = "/prune", produces = MediaType.APPLICATION_JSON)
    @Audited(value = "audit.prune", details = {"deleted={body.deleted}"})
    @GlobalAdminOperation
    @Operation(operationId = "pruneAuditEvents", summary = "Delete events older than the retention", description = "Deletes the "
        + "stored events older than gateway.audit.retention now, as container instances do every gateway.audit.prune-interval; "
        + "for Lambda-only deployments, call it on a schedule. Global administrator only; 409 when no retention is configured.")
    @ApiResponse(responseCode = "200", description = "what was deleted", content = @Content(schema = @Schema(implementation = PruneResult.class),
        examples = @ExampleObject(name = "pruned", ref = OpenApiRefs.EXAMPLES + "PruneResult")))
    @ApiResponse(responseCode = "409", ref = OpenApiRefs.CONFLICT)
    @ApiResponse(responseCode = "503", ref = OpenApiRefs.STORE_UNAVAILABLE)
    PruneResult prune(HttpRequest<?> request) {
        admin.require(request).requireGlobal("delete audit events");
        if (retention == null) {
            throw new GatewayException(ErrorCode.CONFLICT, "No retention is configured: set gateway.audit.retention "
                + "(such as 90d) to delete old events; until then every event is kept.",
                Map.of("property", AuditConfiguration.PREFIX + ".retention"), Map.of());
        }
        try {
            AuditRetention.Pruned pruned = retention.prune();
            return new PruneResult(pruned.deleted(), pruned.before(), retention.retention().toSeconds());
        } catch (SQLException e) {
            throw new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "The audit store cannot be written; try again shortly.",
                Map.of("store", "database"), Map.of("Retry-After", "1"));
        }
    }

    /**
     * The answer.
     *
     * @param events the matching events, newest first
     * @param limit  the limit applied
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record AuditList(List<AuditEvent> events, int limit) {
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @AdminOperation
    @Operation(operationId = "listAuditEvents", summary = "Read the audit log", description = "Stored audit events, newest first, "
        + "filtered by the parameters given (all of them must match). A tenant administrator reads its own tenant's events only.")
    @ApiResponse(responseCode = "200", description = "the matching events", content = @Content(schema = @Schema(implementation = AuditList.class),
        examples = @ExampleObject(name = "events", ref = OpenApiRefs.EXAMPLES + "AuditList")))
    @ApiResponse(responseCode = "400", ref = OpenApiRefs.INVALID_PARAMETERS)
    @ApiResponse(responseCode = "503", ref = OpenApiRefs.STORE_UNAVAILABLE)
    AuditList list(HttpRequest<?> request,
                   @Parameter(description = "authentication, authorization or admin", example = "admin")
                   @Nullable @QueryValue String category,
                   @Parameter(description = "allow or deny", example = "deny") @Nullable @QueryValue String decision,
                   @Parameter(description = "what was attempted", example = "route.update") @Nullable @QueryValue String action,
                   @Parameter(description = "the id of the route the request matched", example = "orders")
                   @Nullable @QueryValue String route,
                   @Parameter(description = "the principal's subject", example = "admin") @Nullable @QueryValue String principal,
                   @Parameter(description = "the principal's tenant; a tenant administrator's own whatever is given", example = "acme")
                   @Nullable @QueryValue String tenant,
                   @Parameter(description = "the request's X-Request-ID", example = "0347feba-f612-4682-8cac-5c184c8ce26a")
                   @Nullable @QueryValue("request_id") String requestId,
                   @Parameter(description = "the first instant, inclusive (ISO-8601)", example = "2026-12-01T00:00:00Z")
                   @Nullable @QueryValue String since,
                   @Parameter(description = "the last instant, exclusive (ISO-8601)", example = "2026-12-08T00:00:00Z")
                   @Nullable @QueryValue String until,
                   @Parameter(description = "how many events at most: default 100, at most 1000", example = "50")
                   @Nullable @QueryValue String limit) {
        // A tenant administrator reads its own tenant's events only, whatever the filter says.
        String scope = admin.require(request).confine(blankToNull(tenant), "audit log");
        Validation validation = new Validation();
        AuditEvent.Category categoryValue = category == null ? null : AuditEvent.Category.parse(category);
        if (category != null && categoryValue == null) {
            validation.problem("category", "must be one of authentication, authorization, admin");
        }
        AuditEvent.Decision decisionValue = decision == null ? null : AuditEvent.Decision.parse(decision);
        if (decision != null && decisionValue == null) {
            validation.problem("decision", "must be allow or deny");
        }
        Instant sinceValue = validation.instant("since", since);
        Instant untilValue = validation.instant("until", until);
        int limitValue = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                limitValue = Integer.parseInt(limit.trim());
                if (limitValue < 1) {
                    validation.problem("limit", "must be at least 1");
                }
            } catch (NumberFormatException e) {
                validation.problem("limit", "must be a whole number");
            }
        }
        validation.check();
        limitValue = Math.min(limitValue, MAX_LIMIT);
        AuditQuery query = new AuditQuery(categoryValue, decisionValue, blankToNull(action), blankToNull(route),
            blankToNull(principal), scope, blankToNull(requestId), sinceValue, untilValue, limitValue);
        try {
            return new AuditList(log.find(query), limitValue);
        } catch (SQLException e) {
            throw new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "The audit store cannot be read; try again shortly.",
                Map.of("store", "database"), Map.of("Retry-After", "1"));
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
