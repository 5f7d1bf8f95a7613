package io.gatehouse.policy.limit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.micronaut.core.annotation.Nullable;

/**
 * One limit: {@code requests} per {@code per} window, counted per {@code by} key, with at most
 * {@code burst} requests at once. A token bucket of {@code burst} tokens refilled continuously at
 * {@code requests} per window (Bucket4j's greedy refill): a caller may spend a whole window's
 * budget at once (or {@code burst} when set), then one request each {@code window / requests}.
 *
 * @param requests       how many requests per window
 * @param window         the window
 * @param burst          the bucket's capacity: how many requests may come at once ({@code requests} unless set)
 * @param by             what the requests are counted by
 * @param byName         the header (lower case) or claim of {@link By#HEADER} and {@link By#CLAIM}, else {@code null}
 * @param onStoreFailure what to do while the shared store does not answer; {@code null}: the gateway's default
 */
public record LimitRule(int requests, Window window, int burst, By by, @Nullable String byName,
                        @Nullable OnStoreFailure onStoreFailure) {

    /** What a limit counts by. */
    public enum By {
        /** The client's address, honouring trusted {@code X-Forwarded-For}. */
        IP,
        /** The authenticated caller (method and subject); the client's address for anonymous callers. */
        CONSUMER,
        /** The API key (its id) or, for other credentials, the caller; the client's address when anonymous. */
        CREDENTIAL,
        /** Every caller of the route together. */
        ROUTE,
        /** The caller's tenant; the client's address when it has none. */
        TENANT,
        /** A request header's value; the client's address when absent. */
        HEADER,
        /** A claim of the caller's credential (a dotted path); the client's address when absent. */
        CLAIM;

        /**
         * @return the value as configured, without the name of a header or claim
         */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @return how the limit reads in messages and keys: {@code 3/minute}, {@code 1000/day/burst=200}
     */
    public String shape() {
        return requests + "/" + window.key() + (burst == requests ? "" : "/burst=" + burst);
    }

    /**
     * @return what the limit counts by, as configured: {@code ip}, {@code header:x-tenant}
     */
    public String byText() {
        return byName == null ? by.key() : by.key() + ":" + byName;
    }

    /**
     * @return the Bucket4j configuration of this limit's bucket
     */
    public BucketConfiguration bucket() {
        return BucketConfiguration.builder()
            .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(requests, window.duration()).build())
            .build();
    }
}
