package io.gatehouse.container.proxy;

import io.gatehouse.route.RawPathResolver;
import io.micronaut.core.annotation.Internal;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.netty.NettyHttpRequest;
import jakarta.inject.Singleton;

/**
 * Reads a request's path from the request line (or HTTP/2 {@code :path}) Netty decoded, as the
 * client encoded it: Micronaut's own URI of {@code //priv/a} is {@code /a}, with {@code priv} taken
 * for a host, and would hide that form from path normalisation.
 */
@Singleton
@Internal
final class NettyRawPaths implements RawPathResolver {

    @Override
    public String rawPath(HttpRequest<?> request) {
        if (request instanceof NettyHttpRequest<?> netty) {
            return NettyRequestView.rawPath(netty.getNativeRequest().uri());
        }
        String raw = request.getUri().getRawPath();
        return raw == null || raw.isEmpty() ? "/" : raw;
    }
}
