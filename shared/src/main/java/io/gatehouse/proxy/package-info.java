/**
 * Proxying rules every engine applies the same way: which headers are hop-by-hop (RFC 9110
 * §7.6.1), how {@code X-Forwarded-*} and {@code Forwarded} (RFC 7239) are set, which Host the
 * upstream sees, which methods may be retried. The container's streaming engine and the buffered
 * engine used on Lambda both build on these.
 */
package io.gatehouse.proxy;
