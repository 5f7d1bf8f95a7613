/**
 * The gateway's own endpoints: health, the OpenAPI document and its Swagger UI, ping and
 * Prometheus metrics. Served identically by the container and both Lambda payloads.
 */
package io.gatehouse.api;
