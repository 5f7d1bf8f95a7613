package io.gatehouse.policy.limit;

import io.micronaut.core.annotation.Nullable;

/**
 * The rate-limit store (Redis) did not answer, and the limit's {@code on-store-failure} is
 * {@code deny}.
 */
final class StoreUnavailableException extends RuntimeException {

    /**
     * @param reason why the store failed, or {@code null}
     */
    StoreUnavailableException(@Nullable String reason) {
        super(reason == null ? "the rate-limit store does not answer" : reason, null, false, false);
    }
}
