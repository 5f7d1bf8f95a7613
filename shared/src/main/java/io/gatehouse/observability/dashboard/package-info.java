/**
 * The live dashboard at {@code /dashboard} (the container): routes and their targets with health,
 * request rate, error rate and p99 per route over the last 15 minutes, rate-limit denials, open
 * streams, recent errors and the definition's revision, pushed to the browser over server-sent
 * events. It reads the gateway's own meters ({@link io.gatehouse.observability.GatewayMetrics}).
 */
package io.gatehouse.observability.dashboard;
