/**
 * {@code Idempotency-Key} handling: a route's {@code idempotency} section
 * ({@link io.gatehouse.policy.idempotency.IdempotencyValidator} validates it at load) makes a retried
 * POST or PATCH with the same key replay the first response instead of reaching the upstream again.
 * The gateway-wide settings are {@link io.gatehouse.policy.idempotency.IdempotencyConfiguration}
 * ({@code gateway.idempotency.*}). See {@code docs/idempotency.md}.
 */
package io.gatehouse.policy.idempotency;
