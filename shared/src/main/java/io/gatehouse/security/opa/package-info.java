/**
 * External policy decisions per route, compatible with the Open Policy Agent data API: a route's
 * {@code authorization.opa} names a document, and {@link io.gatehouse.security.opa.OpaClient}
 * asks {@code POST {gateway.opa.url}/v1/data/<path>} with {@code {"input": ...}} (built by
 * {@link io.gatehouse.security.opa.OpaInput}) without holding a thread while it waits. Settings:
 * {@link io.gatehouse.security.opa.OpaConfiguration}.
 */
package io.gatehouse.security.opa;
