package io.gatehouse.identity;

import io.gatehouse.identity.apikey.ApiKeyConfiguration;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.util.concurrent.CompletableFuture;

/**
 * Before authentication, makes a request that carries a credential ({@code Authorization} or the
 * API key header) wait for {@link IdentitySync#ensureFresh()} when the identity views are older
 * than {@code gateway.identity.sync.max-staleness}. Without a credential, or with fresh views (the
 * container's background check keeps them so), it costs nothing. The wait is asynchronous: no
 * thread is blocked.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class IdentitySyncFilter implements Ordered {

    private static final CompletableFuture<HttpResponse<?>> CONTINUE = CompletableFuture.completedFuture(null);

    private final IdentitySync sync;
    private final String apiKeyHeader;

    IdentitySyncFilter(IdentitySync sync, ApiKeyConfiguration apiKeys) {
        this.sync = sync;
        this.apiKeyHeader = apiKeys.getHeader();
    }

    @RequestFilter
    CompletableFuture<@Nullable HttpResponse<?>> fresh(HttpRequest<?> request) {
        HttpHeaders headers = request.getHeaders();
        if (!headers.contains(HttpHeaders.AUTHORIZATION) && !headers.contains(apiKeyHeader)) {
            return CONTINUE;
        }
        return sync.ensureFresh().thenApply(ignored -> null);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before();
    }
}
