/**
 * Who is calling and what they may do, the same in the container and on Lambda.
 *
 * <p>{@link io.gatehouse.security.RouteAccess} is the runtime-neutral entry point every engine
 * calls for a request matched to a gateway route: it reads the route's {@code auth},
 * {@code claims} and {@code authorization} policies ({@link io.gatehouse.security.RoutePolicy}),
 * asks the {@link io.gatehouse.security.Authenticator}s the route allows (JWT and API keys today,
 * sessions later), and applies the tenant, claim, role/scope and group rules and, through
 * {@code io.gatehouse.security.opa}, an external decision, returning a
 * {@link io.gatehouse.security.GatewayPrincipal} or throwing a 401/403
 * {@link io.gatehouse.error.GatewayException}. It never blocks: key material is held in memory
 * and refreshed in the background. the policy chain ({@code io.gatehouse.policy}) runs it for
 * requests that pass through Micronaut's HTTP layer.
 */
package io.gatehouse.security;
