/**
 * Cross-origin resource sharing per route ({@code cors:} in a route): a preflight is answered at
 * the gateway before access ({@link io.gatehouse.policy.cors.CorsPreflightPolicy}), and every
 * response of the route carries the {@code Access-Control-*} headers the route's rules give
 * ({@link io.gatehouse.policy.cors.CorsHeadersPolicy}). {@link io.gatehouse.policy.cors.CorsRules}
 * reads and checks the key once, when the route loads.
 */
package io.gatehouse.policy.cors;
