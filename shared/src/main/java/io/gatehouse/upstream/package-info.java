/**
 * Upstreams: the services the gateway forwards to. An {@link io.gatehouse.upstream.UpstreamDefinition}
 * is the configured data (targets and weights, load balancing, health checks, outlier detection,
 * circuit breaker); an {@link io.gatehouse.upstream.Upstream} is its live state, which survives
 * route-table reloads for targets that stay.
 */
package io.gatehouse.upstream;
