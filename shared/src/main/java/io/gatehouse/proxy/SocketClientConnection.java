package io.gatehouse.proxy;

import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

import java.net.InetSocketAddress;

/**
 * The client as the socket shows it: the peer address and whether the connection is TLS.
 */
@Singleton
final class SocketClientConnection implements ClientConnection {

    @Override
    public String address(HttpRequest<?> request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote.getAddress() != null) {
            return remote.getAddress().getHostAddress();
        }
        return remote.getHostString();
    }

    @Override
    public String scheme(HttpRequest<?> request) {
        return request.isSecure() ? "https" : "http";
    }
}
