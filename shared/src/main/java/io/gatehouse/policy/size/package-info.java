/**
 * Request size limits per route ({@code request-limits:} in a route): the largest request body
 * ({@link io.gatehouse.policy.size.RequestSizePolicy}), over {@code gateway.proxy.max-request-body}.
 * The header section and the request target are limited where a request is read (the container's
 * HTTP/1.1 codec, API Gateway in front of Lambda), before any route is known.
 */
package io.gatehouse.policy.size;
