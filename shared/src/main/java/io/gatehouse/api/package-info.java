/**
 * The gateway's own endpoints: health, the OpenAPI document and its Swagger UI, ping and
 * Prometheus metrics, and the switchable legacy aliases. Served identically by the container and
 * both Lambda payloads. {@link io.gatehouse.api.OwnedPaths} says which paths the gateway owns (those
 * are never proxied) and {@link io.gatehouse.api.ShadowedRoutes} names the routes that lose some.
 * {@link io.gatehouse.api.OpenApiRefs}, {@link io.gatehouse.api.AdminOperation} and
 * {@link io.gatehouse.api.GlobalAdminOperation} are what controllers elsewhere document their
 * operations' credentials, answers and examples with.
 */
package io.gatehouse.api;
