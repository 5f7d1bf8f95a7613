/**
 * The policy chain: every route's policies (CORS preflight, access, limits, validation, caching,
 * transforms, response headers) as one ordered {@link io.gatehouse.policy.PolicyChain} of
 * {@link io.gatehouse.policy.PolicyStep steps}, compiled per route when a route table comes into
 * force and run by every engine the same way: the container's streaming engine, Micronaut's HTTP
 * layer ({@link io.gatehouse.policy.PolicyFilter}: the buffered engine, the gateway's own
 * endpoints, both Lambda payloads).
 */
package io.gatehouse.policy;
