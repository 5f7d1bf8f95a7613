package io.gatehouse.audit;

import io.gatehouse.error.ErrorEnvelope;
import io.gatehouse.observability.RequestIds;
import io.gatehouse.security.GatewayPrincipal;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * Records the end of every OIDC login ({@code GET /v1/auth/callback/{provider}}, or the SSO
 * gateway's {@code /sso/oidc/callback}) as an authentication event ({@code sso.login}): allowed with the provisioned user and its tenant when
 * a session was started, which the login controller leaves in the request attribute
 * {@link GatewayPrincipal#ATTRIBUTE}; denied with the envelope's {@code details.reason}
 * ({@code state_mismatch}, {@code provider_error}, an ID token's rejection, {@code domain_not_allowed},
 * {@code user_not_provisioned}, ...) otherwise.
 */
@ServerFilter({"/v1/auth/callback/**", "/sso/oidc/callback"})
@Requires(beans = AuditLog.class)
final class LoginAuditFilter implements Ordered {

    /** The action of every login. */
    static final String ACTION = "sso.login";

    private final AuditLog log;

    LoginAuditFilter(AuditLog log) {
        this.log = log;
    }

    @ResponseFilter
    void record(HttpRequest<?> request, MutableHttpResponse<?> response) {
        GatewayPrincipal user = request.getAttribute(GatewayPrincipal.ATTRIBUTE, GatewayPrincipal.class).orElse(null);
        AuditEvent.Builder event = AuditEvent.builder(AuditEvent.Category.AUTHENTICATION, ACTION)
            .request(RequestIds.of(request), request.getMethodName(), request.getPath());
        if (user != null && response.code() < 400) {
            event.principal(user.subject(), user.method()).tenant(user.tenant());
        } else {
            event.principal(null, "session").decision(AuditEvent.Decision.DENY, reason(response));
        }
        log.record(event.build());
    }

    private static String reason(MutableHttpResponse<?> response) {
        if (response.getBody().orElse(null) instanceof ErrorEnvelope envelope && envelope.error() != null) {
            Object reason = envelope.error().details() == null ? null : envelope.error().details().get("reason");
            return reason == null ? envelope.error().code() : String.valueOf(reason);
        }
        return "status_" + response.code();
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before();
    }
}
