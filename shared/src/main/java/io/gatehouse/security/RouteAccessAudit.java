package io.gatehouse.security;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditLog;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.route.RequestView;
import io.gatehouse.route.RouteMatch;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Turns {@link RouteAccess}'s decisions into audit events: a 401 as an authentication failure, a
 * 403 or an admitted request as an authorization decision ({@code route.access}). Called once per
 * request on a route whose {@code auth} is not {@code none}, whichever engine asked; never for an
 * open route. Cheap on the request path: one event handed to {@link AuditLog#record}, nothing
 * else; allowed decisions only when {@code gateway.audit.record-allowed}.
 */
@Internal
@Singleton
final class RouteAccessAudit {

    /** The action of every route decision. */
    static final String ACTION = "route.access";

    /** The reason of an admission made because the decision service failed and the route fails open. */
    static final String FAILED_OPEN = "policy_unavailable_allowed";

    /** Records nothing: the audit log is off. */
    static final RouteAccessAudit NONE = new RouteAccessAudit(null);

    private final AuditLog log;
    private final boolean allowed;

    @Inject
    RouteAccessAudit(@Nullable AuditLog log) {
        this.log = log;
        this.allowed = log != null && log.recordsAllowed();
    }

    /**
     * @param match     the route
     * @param request   the request
     * @param requestId its id
     * @param principal who was admitted
     */
    void allowed(RouteMatch match, RequestView request, @Nullable String requestId, GatewayPrincipal principal) {
        if (allowed) {
            log.record(event(AuditEvent.Category.AUTHORIZATION, match, request, requestId)
                .principal(principal.subject(), principal.method())
                .tenant(principal.tenant())
                .build());
        }
    }

    /**
     * Records a request the decision service did not decide on, let through because the route
     * fails open ({@code failure-mode-allow}): always, whatever {@code record-allowed} says, since
     * it is an admission no policy made.
     *
     * @param match     the route
     * @param request   the request
     * @param requestId its id
     * @param principal who was let through
     * @param failure   the 503 the request would have had failing closed
     */
    void failedOpen(RouteMatch match, RequestView request, @Nullable String requestId, GatewayPrincipal principal,
                    GatewayException failure) {
        if (log == null) {
            return;
        }
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>(failure.details());
        details.remove("reason");
        details.put("failure_mode_allow", true);
        log.record(event(AuditEvent.Category.AUTHORIZATION, match, request, requestId)
            .decision(AuditEvent.Decision.ALLOW, FAILED_OPEN)
            .principal(principal.subject(), principal.method())
            .tenant(principal.tenant())
            .details(details)
            .build());
    }

    /**
     * @param match     the route
     * @param mode      the route's auth mode
     * @param request   the request
     * @param requestId its id
     * @param principal who was refused, {@code null} when no credential was accepted
     * @param refusal   the 401 or 403
     */
    void refused(RouteMatch match, AuthMode mode, RequestView request, @Nullable String requestId,
                 @Nullable GatewayPrincipal principal, GatewayException refusal) {
        if (log == null) {
            return;
        }
        boolean authentication = refusal.errorCode() == ErrorCode.UNAUTHORIZED;
        Object reason = refusal.details().get("reason");
        AuditEvent.Builder event = event(authentication ? AuditEvent.Category.AUTHENTICATION : AuditEvent.Category.AUTHORIZATION,
            match, request, requestId)
            .decision(AuditEvent.Decision.DENY, reason == null ? refusal.errorCode().code() : String.valueOf(reason))
            .details(refusal.details());
        if (principal == null) {
            event.principal(null, mode.configName());
        } else {
            event.principal(principal.subject(), principal.method()).tenant(principal.tenant());
        }
        log.record(event.build());
    }

    private static AuditEvent.Builder event(AuditEvent.Category category, RouteMatch match, RequestView request,
                                            @Nullable String requestId) {
        return AuditEvent.builder(category, ACTION)
            .route(match.route().id())
            .request(requestId, request.method(), request.path());
    }
}
