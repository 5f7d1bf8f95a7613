package io.gatehouse.policy.store;

/**
 * Where a route's policy keeps what it stores ({@code store:} in the route file).
 */
public enum StoreKind {

    /** This instance's memory: fast, bounded, lost on restart and not shared with other instances. */
    MEMORY,
    /** Redis ({@code redis.uri}): shared by every instance and Lambda function, kept across restarts. */
    REDIS
}
