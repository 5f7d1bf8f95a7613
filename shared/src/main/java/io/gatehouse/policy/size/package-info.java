/**
 * Request limits per route ({@code request-limits:} in a route,
 * {@link io.gatehouse.policy.size.RequestLimitsPolicy}): the largest request body, over
 * {@code gateway.proxy.max-request-body}, and the requests of the route served at once.
 * The header section and the request target are limited where a request is read (the container's
 * HTTP/1.1 codec, API Gateway in front of Lambda), before any route is known.
 */
package io.gatehouse.policy.size;
