/**
 * Security headers on every response: the gateway's own endpoints, its refusals and every proxied
 * response ({@link io.gatehouse.policy.headers.SecurityHeadersPolicy}), with safe defaults set under
 * {@code gateway.security-headers.*} ({@link io.gatehouse.policy.headers.SecurityHeadersConfiguration})
 * and single headers set, changed or switched off per route ({@code security-headers:} in a route,
 * {@link io.gatehouse.policy.headers.SecurityHeaderRules}). The {@code Server} header never names a
 * version.
 */
package io.gatehouse.policy.headers;
