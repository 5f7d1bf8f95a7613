package io.gatehouse.audit;

import io.gatehouse.observability.health.CheckResult;
import io.gatehouse.observability.health.DependencyCheck;
import io.gatehouse.observability.health.HealthStatus;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code audit} in {@code /v1/health}: the queue, what was written, and the events that are in the
 * JSON log only (overflowed, or refused by the database). Not critical: requests go on when the
 * audit store fails. {@code degraded} while the writer is failing and for
 * {@link #RECENT_LOSS} after an event went unwritten, so a loss is seen without staying forever;
 * the counts since start stay in the details and in {@code /metrics}.
 */
@Singleton
@Requires(beans = AuditLog.class)
final class AuditCheck implements DependencyCheck {

    /** How long a lost event keeps the check degraded. */
    static final Duration RECENT_LOSS = Duration.ofMinutes(5);

    private final AuditLog log;

    AuditCheck(AuditLog log) {
        this.log = log;
    }

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public boolean critical() {
        return false;
    }

    @Override
    public CheckResult check(Duration timeout) {
        AuditLog.Stats stats = log.stats();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("mode", stats.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        details.put("queued", stats.queued());
        details.put("capacity", stats.capacity());
        details.put("written", stats.written());
        details.put("overflowed", stats.overflowed());
        details.put("failed", stats.failed());
        if (stats.lastLoss() != null) {
            details.put("last_loss", stats.lastLoss().toString());
        }
        if (stats.failingSince() != null) {
            details.put("failing_since", stats.failingSince().toString());
            return new CheckResult(HealthStatus.DEGRADED, 0, false, "audit events cannot be written: " + stats.lastError(), details);
        }
        if (stats.lastLoss() != null && stats.lastLoss().isAfter(Instant.now().minus(RECENT_LOSS))) {
            return new CheckResult(HealthStatus.DEGRADED, 0, false, (stats.overflowed() + stats.failed())
                + " audit event(s) since start are in the JSON log only (overflowed " + stats.overflowed() + ", failed "
                + stats.failed() + ")", details);
        }
        return CheckResult.ok(details);
    }
}
