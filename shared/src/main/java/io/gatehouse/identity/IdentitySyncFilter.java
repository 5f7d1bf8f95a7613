package io.gatehouse.identity;

import io.gatehouse.identity.apikey.ApiKeyConfiguration;
import io.gatehouse.security.session.SessionConfiguration;
import io.gatehouse.security.session.SessionCookies;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterContinuation;
import io.micronaut.http.filter.ServerFilterPhase;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.util.concurrent.CompletableFuture;

/**
 * Before authentication, makes a request that carries a credential ({@code Authorization}, the
 * API key header or the session cookie) wait for {@link IdentitySync#ensureFresh()} when the identity views are older
 * than {@code gateway.identity.sync.max-staleness}. Without a credential, or with fresh views (the
 * container's background check keeps them so), it costs nothing. The wait is asynchronous: no
 * thread is blocked.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class IdentitySyncFilter implements Ordered {

    private final IdentitySync sync;
    private final String apiKeyHeader;
    private final String sessionCookie;

    IdentitySyncFilter(IdentitySync sync, ApiKeyConfiguration apiKeys, SessionConfiguration sessions) {
        this.sync = sync;
        this.apiKeyHeader = apiKeys.getHeader();
        this.sessionCookie = sessions.isEnabled() ? sessions.getCookieName() : null;
    }

    @RequestFilter
    Publisher<MutableHttpResponse<?>> fresh(HttpRequest<?> request, FilterContinuation<Publisher<MutableHttpResponse<?>>> chain) {
        HttpHeaders headers = request.getHeaders();
        if (!headers.contains(HttpHeaders.AUTHORIZATION) && !headers.contains(apiKeyHeader) && !hasSession(headers)) {
            return chain.proceed();
        }
        CompletableFuture<Void> fresh = sync.ensureFresh();
        if (fresh.isDone()) {
            return chain.proceed();
        }
        // Continue the chain once the check is done, without holding a thread meanwhile.
        return Mono.fromFuture(fresh).then(Mono.defer(() -> Mono.from(chain.proceed())));
    }

    private boolean hasSession(HttpHeaders headers) {
        return sessionCookie != null && SessionCookies.find(headers.getAll(HttpHeaders.COOKIE), sessionCookie) != null;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before();
    }
}
