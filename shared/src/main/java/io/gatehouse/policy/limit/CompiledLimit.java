package io.gatehouse.policy.limit;

import io.github.bucket4j.BucketConfiguration;
import io.micronaut.core.annotation.Nullable;

/**
 * One limit ready for requests: its bucket configuration and the fixed part of its keys,
 * computed once when its route or plan is compiled.
 *
 * @param rule      the limit as configured
 * @param bucket    its Bucket4j configuration
 * @param keyPrefix every key of its buckets starts with this; the counted value follows
 * @param plan      the plan it belongs to, or {@code null} for a route's own limit
 * @param onFailure what it does while the store does not answer
 */
record CompiledLimit(LimitRule rule, BucketConfiguration bucket, String keyPrefix, @Nullable String plan, OnStoreFailure onFailure) {

    /**
     * @param rule      the limit
     * @param keyPrefix the fixed part of its keys
     * @param plan      its plan, or {@code null}
     * @param onFailure its on-store-failure, resolved
     * @return it compiled
     */
    static CompiledLimit of(LimitRule rule, String keyPrefix, @Nullable String plan, OnStoreFailure onFailure) {
        return new CompiledLimit(rule, rule.bucket(), keyPrefix, plan, onFailure);
    }
}
