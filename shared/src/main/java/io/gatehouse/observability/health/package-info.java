/**
 * {@code /v1/health}: each configured dependency (database, Redis, Kafka, upstream services) is a
 * {@link io.gatehouse.observability.health.DependencyCheck}; the
 * {@link io.gatehouse.observability.health.HealthService} runs them concurrently, each bounded by a
 * timeout, and folds them into {@code ok}, {@code degraded} or {@code down}.
 */
package io.gatehouse.observability.health;
