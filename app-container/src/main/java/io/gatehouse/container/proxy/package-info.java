/**
 * The container's streaming proxy engine, working at the Netty level below Micronaut's router.
 *
 * <p>{@link io.gatehouse.container.proxy.ProxyServerCustomizer} puts a
 * {@link io.gatehouse.container.proxy.ProxyConnectionHandler} into every HTTP/1.1 connection, right
 * after Netty's {@code HttpServerCodec} and the front door that refuses badly framed requests
 * ({@link io.gatehouse.container.framing.RequestFramingHandler}). Requests for paths Micronaut serves itself (the gateway's
 * own endpoints) and requests no route matches pass on to Micronaut untouched; every other request
 * becomes a {@link io.gatehouse.container.proxy.ProxyExchange} that streams the request to a pooled
 * keep-alive connection ({@link io.gatehouse.container.proxy.UpstreamPool}) and the response back,
 * chunk by chunk, with backpressure both ways. WebSocket routes relay frames after the upgrade
 * ({@link io.gatehouse.container.proxy.WebSocketRelay}). The header rules are
 * {@link io.gatehouse.proxy.ForwardingHeaders}', shared with the buffered engine used on Lambda.
 */
package io.gatehouse.container.proxy;
