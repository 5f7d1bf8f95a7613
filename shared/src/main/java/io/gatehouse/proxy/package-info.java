/**
 * Proxying: the rules every engine applies the same way ({@link io.gatehouse.proxy.ForwardingHeaders}:
 * hop-by-hop headers per RFC 9110 §7.6.1, {@code X-Forwarded-*} and RFC 7239 {@code Forwarded},
 * the Host policy, which methods may be retried), and the buffered engine.
 *
 * <p>The path of a proxied request through the buffered engine: {@code ProxyFilter}, the innermost
 * server filter, lets requests a gateway controller handles pass, matches the others against the
 * route table in force, and hands a match to {@code BufferedProxy}. It reads the body (up to
 * {@code gateway.proxy.max-buffered-body}), builds the upstream request once
 * ({@code ForwardedRequest}), asks the upstream for a target, sends with Micronaut's raw HTTP client
 * ({@code UpstreamClients}), retries idempotent requests, reports each outcome to the
 * {@link io.gatehouse.upstream.Selection}, and answers with the upstream's response or the error
 * envelope. Lambda uses this engine; the container's streaming engine takes proxied requests before
 * they reach Micronaut. {@link io.gatehouse.proxy.ClientConnection} tells who the client is on each
 * runtime.
 */
package io.gatehouse.proxy;
