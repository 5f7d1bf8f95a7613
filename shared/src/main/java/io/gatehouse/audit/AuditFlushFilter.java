package io.gatehouse.audit;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.time.Duration;

/**
 * In {@code per-request} mode ({@code gateway.audit.mode}, set by {@code application-lambda.yml})
 * writes the events a request recorded before its response leaves: on Lambda nothing runs
 * between invocations, and a frozen sandbox would strand a queue. It runs first, so its response
 * part runs last, after {@link AdminAuditFilter} and the route access check have recorded.
 * Every request passes through Micronaut's filters on Lambda, so this is every request.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Requires(beans = AuditLog.class)
@Requires(property = AuditConfiguration.PREFIX + ".mode", pattern = "(?i)per[-_]request")
final class AuditFlushFilter implements Ordered {

    private final AuditLog log;

    AuditFlushFilter(AuditLog log) {
        this.log = log;
    }

    @ResponseFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    void flush() {
        log.flush(Duration.ZERO);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.after();
    }
}
