/**
 * The container's front door for HTTP/1.1: {@link io.gatehouse.container.framing.RequestFramingHandler}
 * sits right after Netty's {@code HttpServerCodec} on every HTTP/1.1 connection, ahead of the streaming
 * proxy and of Micronaut, and refuses a request whose framing or headers RFC 9112 forbids (both
 * {@code Content-Length} and {@code Transfer-Encoding}, an unknown transfer coding, a missing or
 * repeated {@code Host}, an unknown HTTP version, a header section or request line over the limit, a
 * broken chunked body) with the error envelope and {@code Connection: close}, so nothing that follows
 * a bad request on that connection is ever executed.
 * {@link io.gatehouse.container.framing.RequestFramingCustomizer} installs it.
 */
package io.gatehouse.container.framing;
