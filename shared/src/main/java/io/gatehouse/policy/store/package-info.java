/**
 * Where the response cache ({@code io.gatehouse.policy.cache}) and the idempotency records
 * ({@code io.gatehouse.policy.idempotency}) keep what they store: a {@link io.gatehouse.policy.store.PolicyStore}
 * in this instance's memory (bounded in bytes) or in Redis (shared by every container instance and
 * Lambda function), chosen per route with {@code store: memory | redis}. Every operation completes
 * a stage and never blocks the calling thread, so steps can use them on an event loop.
 *
 * <p>Also here: what both policies build their keys from ({@link io.gatehouse.policy.store.RequestKeys}:
 * the normalised query, the caller's scope so that one caller's stored response never reaches
 * another) and the binary form of a stored response ({@link io.gatehouse.policy.store.StoredResponse}).
 */
package io.gatehouse.policy.store;
