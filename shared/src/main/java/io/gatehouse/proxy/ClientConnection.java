package io.gatehouse.proxy;

import io.micronaut.context.annotation.DefaultImplementation;
import io.micronaut.http.HttpRequest;

/**
 * Who is at the other end of a request, as far as the runtime can tell: the client's address for
 * {@code X-Forwarded-For} and {@code Forwarded}, and the scheme it used for {@code X-Forwarded-Proto}.
 *
 * <p>The default reads the socket (the container). A runtime whose requests do not arrive on a
 * socket of their own replaces it with {@code @Replaces(ClientConnection.class)}: on Lambda the
 * address is API Gateway's {@code sourceIp} and the scheme always {@code https}.
 */
@DefaultImplementation(SocketClientConnection.class)
public interface ClientConnection {

    /**
     * @param request the request
     * @return the client's IP address, such as {@code 192.0.2.60} or {@code 2001:db8::1}
     */
    String address(HttpRequest<?> request);

    /**
     * @param request the request
     * @return {@code http} or {@code https}
     */
    String scheme(HttpRequest<?> request);
}
