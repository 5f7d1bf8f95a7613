package io.gatehouse.audit;

import io.gatehouse.observability.RequestIds;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.util.Map;

/**
 * Records the OAuth2 token endpoint's authentication failures as authentication events
 * ({@code oauth.token}): a client that is unknown or whose secret is wrong ({@code invalid_client},
 * 401), and a grant that does not hold ({@code invalid_grant}: a wrong password, an unknown, used
 * or expired refresh token). The endpoint's answers follow RFC 6749, so the reason is its
 * {@code error}. Issued tokens and malformed requests are not recorded.
 */
@ServerFilter("/oauth/token")
@Requires(beans = AuditLog.class)
final class TokenEndpointAuditFilter implements Ordered {

    private final AuditLog log;

    TokenEndpointAuditFilter(AuditLog log) {
        this.log = log;
    }

    @ResponseFilter
    void record(HttpRequest<?> request, MutableHttpResponse<?> response) {
        Object error = response.getBody().orElse(null) instanceof Map<?, ?> body ? body.get("error") : null;
        if (response.code() != 401 && !"invalid_grant".equals(error)) {
            return;
        }
        log.record(AuditEvent.builder(AuditEvent.Category.AUTHENTICATION, "oauth.token")
            .decision(AuditEvent.Decision.DENY, error == null ? "status_" + response.code() : String.valueOf(error))
            .principal(null, "oauth-client")
            .request(RequestIds.of(request), request.getMethodName(), request.getPath())
            .build());
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before();
    }
}
