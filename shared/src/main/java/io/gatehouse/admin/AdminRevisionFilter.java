package io.gatehouse.admin;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * Before any request, lets {@link AdminSync#checkForChanges()} see whether another instance
 * changed the admin store (at most once per check interval): how a Lambda instance, which may run
 * nothing between invocations, picks up changes. On only with {@code gateway.admin.check-on-request}
 * ({@code application-lambda.yml} sets it); the container listens instead.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Requires(beans = AdminSync.class)
@Requires(property = AdminConfiguration.PREFIX + ".check-on-request", value = "true")
final class AdminRevisionFilter implements Ordered {

    private final AdminSync sync;

    AdminRevisionFilter(AdminSync sync) {
        this.sync = sync;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    void check() {
        sync.checkForChanges();
    }

    @Override
    public int getOrder() {
        // Before anything routes the request, so it is routed by the newest table.
        return ServerFilterPhase.FIRST.after();
    }
}
