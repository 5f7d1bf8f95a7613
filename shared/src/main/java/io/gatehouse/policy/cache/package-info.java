/**
 * The response cache: a route's {@code cache} section ({@link io.gatehouse.policy.cache.CacheValidator}
 * validates it at load) makes its GET and HEAD responses answer from a store in memory or Redis,
 * keyed per caller, honouring {@code Cache-Control}, {@code Vary} and conditional requests. The
 * gateway-wide settings are {@link io.gatehouse.policy.cache.CacheConfiguration} ({@code gateway.cache.*}).
 * See {@code docs/caching.md}.
 */
package io.gatehouse.policy.cache;
