package io.gatehouse.policy.limit;

/**
 * What a limit does while its shared store (Redis) does not answer ({@code on-store-failure}).
 */
public enum OnStoreFailure {

    /** Count on this instance alone, with an in-memory limiter of the same shape (the default). */
    ALLOW_LOCAL,
    /** Refuse the request with 503 until the store answers again. */
    DENY;

    /**
     * @return the value as configured ({@code allow-local})
     */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
