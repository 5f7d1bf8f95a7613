package io.gatehouse.runtime;

import io.gatehouse.observability.health.CheckResult;
import io.gatehouse.observability.health.DependencyCheck;
import io.gatehouse.observability.health.HealthStatus;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;

/**
 * {@code open-files} in {@code /v1/health}: the process's open descriptors and their limit, and
 * {@code degraded} while a {@link LocalResources} episode runs (the gateway answers 503
 * {@code overloaded} to new requests). Not critical: the gateway still serves what it can.
 */
@Singleton
final class OpenFilesCheck implements DependencyCheck {

    private final LocalResources resources;

    OpenFilesCheck(LocalResources resources) {
        this.resources = resources;
    }

    @Override
    public String name() {
        return "open-files";
    }

    @Override
    public boolean critical() {
        return false;
    }

    @Override
    public CheckResult check(Duration timeout) {
        Map<String, Object> details = resources.snapshot();
        Object reason = details.get("reason");
        if (reason != null) {
            return new CheckResult(HealthStatus.DEGRADED, 0, false, reason + " reached: " + details.get("open") + " of "
                + details.get("limit") + " descriptors open", details);
        }
        return CheckResult.ok(details);
    }
}
