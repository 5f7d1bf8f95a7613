/**
 * Upstreams: the services the gateway forwards to. An {@link io.gatehouse.upstream.UpstreamDefinition}
 * is the configured data (targets and weights, load balancing, health checks, outlier detection,
 * circuit breaker); an {@link io.gatehouse.upstream.Upstream} is its live state, which survives
 * route-table reloads for targets that stay ({@link io.gatehouse.upstream.UpstreamRegistry}).
 *
 * <p>The path of one call: {@link io.gatehouse.upstream.Upstream#select} keeps the available
 * targets (healthy by the {@code ActiveHealthChecker}'s probes, not ejected by outlier detection),
 * asks the upstream's Resilience4j circuit breaker for permission and lets the configured
 * load-balancing policy pick (round robin, smooth weighted round robin, least outstanding,
 * consistent hash); the returned {@link io.gatehouse.upstream.Selection} takes the outcome back to
 * outlier detection and the breaker. See {@code docs/upstreams.md}.
 */
package io.gatehouse.upstream;
