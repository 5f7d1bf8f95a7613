package io.gatehouse.upstream;

/**
 * How a call to a target failed.
 */
public enum FailureKind {
    /** The connection could not be opened. */
    CONNECT,
    /** No response, or no next byte, in time. */
    TIMEOUT,
    /** The connection broke mid-exchange. */
    RESET,
    /** The target answered with a 5xx status. */
    SERVER_ERROR
}
