/**
 * Rate limits and plans, the policy chain's {@link io.gatehouse.policy.Phase#LIMITS} member: a
 * route's {@code limits} and the definition's {@code plans} and {@code plans-by}, read and
 * validated by {@link io.gatehouse.policy.limit.LimitDefinitions}, compiled once per route, and
 * counted in Bucket4j token buckets kept in Redis or in memory by
 * {@link io.gatehouse.policy.limit.LimitStore}. See {@code docs/limits.md}.
 */
package io.gatehouse.policy.limit;
